// Mutation fuzzing of the image pipeline: real images, damaged thousands of ways, each pushed
// through ImagePipeline.Render and its failure mapped to an HTTP status the way the service maps it.
// A failure the service has no status for (it would be a 500) is a finding, and the run fails.
//
//   dotnet run -c Release --project tools/ImageApi.Fuzz -- [--iterations 5000] [--seed 1] [--report docs/fuzz.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

var iterations = Option("--iterations", 5000);
var seed = Option("--seed", 1);
var report = Argument("--report");
var root = FindRoot();
var seeds = new[]
    {
        "photo-cups.jpg", "photo-autumn.jpg", "exif-rotated.jpg", "cmyk.jpg", "greyscale.jpg", "alpha.png", "deep-16bit.png", "wood.webp", "animated.gif", "one-pixel.png",
        "jpeg/progressive-420.jpg", "jpeg/progressive-restart-422.jpg", "jpeg/restart-420.jpg", "jpeg/baseline-440.jpg",
    }
    .Select(name => (Name: name, Bytes: File.ReadAllBytes(Path.Combine(root, "tests", "TestImages", name))))
    .ToArray();
var specs = new[]
{
    new RenditionSpec(800, 800, FitMode.Inside, OutputFormat.Webp, 80),
    new RenditionSpec(200, null, FitMode.Inside, OutputFormat.Jpeg, 70),
    new RenditionSpec(120, 120, FitMode.Cover, OutputFormat.Png, null),
    new RenditionSpec(90, 60, FitMode.Contain, OutputFormat.Gif, null),
};

var pipeline = new ImagePipeline(new ProcessingLimits(), new RenditionDefaults());
var random = new Random(seed);
var outcomes = new SortedDictionary<string, Outcome>(StringComparer.Ordinal);
var findings = new List<string>();
var clock = Stopwatch.StartNew();
var slowest = TimeSpan.Zero;

for (var i = 0; i < iterations; i++)
{
    var (name, original) = seeds[random.Next(seeds.Length)];
    var (mutation, bytes) = Mutate(original, seeds[random.Next(seeds.Length)].Bytes, random);
    var spec = specs[random.Next(specs.Length)];
    var started = clock.Elapsed;
    string kind;
    int status;
    try
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = new MemoryStream(bytes, writable: false);
        pipeline.Render(stream, spec, timeout.Token);
        (kind, status) = ("rendered", 200);
    }
    catch (Exception ex)
    {
        // The service's own type, and what the decoder threw underneath it.
        kind = ex.GetType().Name + (ex.InnerException is { } inner ? $" ← {inner.GetType().Name}" : "");
        status = ProblemTypes.For(ex)?.Status ?? 500;
        if (status == 500)
        {
            findings.Add($"{name} ({mutation}), iteration {i}: {ex.GetType().FullName}: {ex.Message}");
            File.WriteAllBytes(Path.Combine(Path.GetTempPath(), $"imageapi-fuzz-finding-{i}.bin"), bytes);
        }
    }

    var took = clock.Elapsed - started;
    slowest = took > slowest ? took : slowest;
    var key = $"{kind} → {status}";
    outcomes[key] = outcomes.TryGetValue(key, out var o) ? o with { Count = o.Count + 1 } : new Outcome(kind, status, 1, mutation);
    if ((i + 1) % 1000 == 0)
    {
        Console.Error.WriteLine($"{i + 1}/{iterations} in {clock.Elapsed.TotalSeconds:0} s");
    }
}

using var process = Process.GetCurrentProcess();
var text = new StringBuilder();
text.AppendLine(CultureInfo.InvariantCulture, $"{iterations} mutated inputs (seed {seed}) from {seeds.Length} real images in {clock.Elapsed.TotalSeconds:0.0} s; slowest {slowest.TotalMilliseconds:0} ms; peak working set {process.PeakWorkingSet64 / 1048576} MB.");
text.AppendLine();
text.AppendLine("| outcome | status | count | e.g. from |");
text.AppendLine("|---|---|---:|---|");
foreach (var outcome in outcomes.Values.OrderByDescending(o => o.Count))
{
    text.AppendLine(CultureInfo.InvariantCulture, $"| {outcome.Kind} | {outcome.Status} | {outcome.Count} | {outcome.Example} |");
}

text.AppendLine();
text.AppendLine(findings.Count == 0
    ? "Every failure was mapped to its documented status; none would have been a 500."
    : $"{findings.Count} inputs were NOT mapped (they would be 500s), saved to {Path.GetTempPath()}imageapi-fuzz-finding-*.bin:\n\n" + string.Join('\n', findings.Take(20).Select(f => "- " + f)));
Console.WriteLine(text);

if (report is not null)
{
    var path = Path.GetFullPath(report, root);
    var document = File.Exists(path) ? File.ReadAllText(path) : "";
    const string Start = "<!-- fuzz results -->";
    const string End = "<!-- /fuzz results -->";
    var block = $"{Start}\n{text}{End}";
    document = document.Contains(Start, StringComparison.Ordinal)
        ? document[..document.IndexOf(Start, StringComparison.Ordinal)] + block + document[(document.IndexOf(End, StringComparison.Ordinal) + End.Length)..]
        : document + "\n" + block + "\n";
    File.WriteAllText(path, document);
}

return findings.Count == 0 ? 0 : 1;

static (string Mutation, byte[] Bytes) Mutate(byte[] original, byte[] other, Random random)
{
    var bytes = (byte[])original.Clone();
    switch (random.Next(8))
    {
        case 0:
            var flips = 1 << random.Next(7);
            for (var i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            return ($"{flips} bit flips", bytes);
        case 1:
            var header = Math.Min(bytes.Length, 64 + random.Next(1024));
            for (var i = 0; i < 1 + random.Next(8); i++)
            {
                bytes[random.Next(header)] = (byte)random.Next(256);
            }

            return ("header bytes", bytes);
        case 2:
            byte[] interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
            for (var i = 0; i < 1 + random.Next(16); i++)
            {
                bytes[random.Next(bytes.Length)] = interesting[random.Next(interesting.Length)];
            }

            return ("boundary values", bytes);
        case 3:
            return ("truncated", bytes[..random.Next(bytes.Length)]);
        case 4:
            var from = random.Next(bytes.Length);
            var length = random.Next(Math.Min(4096, bytes.Length - from));
            var at = random.Next(bytes.Length);
            return ("chunk duplicated", [.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]]);
        case 5:
            var cut = random.Next(bytes.Length);
            var span = random.Next(Math.Min(4096, bytes.Length - cut));
            return ("chunk deleted", [.. bytes[..cut], .. bytes[(cut + span)..]]);
        case 6:
            var junk = new byte[1 + random.Next(512)];
            random.NextBytes(junk);
            var where = random.Next(bytes.Length);
            return ("random bytes inserted", [.. bytes[..where], .. junk, .. bytes[where..]]);
        default:
            var split = random.Next(Math.Min(bytes.Length, other.Length));
            return ("spliced with another image", [.. bytes[..split], .. other[split..]]);
    }
}

int Option(string name, int fallback) => Argument(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "ImageApi.slnx")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository.");
}

internal sealed record Outcome(string Kind, int Status, int Count, string Example);
