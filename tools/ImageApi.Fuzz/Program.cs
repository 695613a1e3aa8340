// Mutation fuzzing of the image pipeline: real images, damaged thousands of ways, each pushed
// through ImagePipeline.Render (libvips) and its failure mapped to an HTTP status the way the service
// maps it. A failure the service has no status for (it would be a 500) is a finding, and so is a render
// that outlives the timeout; either fails the run. Inputs that findings came from are saved.
//
//   dotnet run -c Release --project tools/ImageApi.Fuzz -- [--iterations 5000] [--seed 1] [--report docs/security.md]
//       [--only N]       render only input N of the run (same seed), save it, print the outcome
//       [--range A-B]    render only inputs A to B of the run (no report)
//       [--file PATH]    render one file with every spec and print the outcomes
//       [--save DIR]     where findings, the slowest input and the input in flight go (default: the temp folder)
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageApi.Fuzz;
using ImageApi.Problems;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

var iterations = Option("--iterations", 5000);
var seed = Option("--seed", 1);
var only = Argument("--only") is { } o ? int.Parse(o, CultureInfo.InvariantCulture) : (int?)null;
var range = Argument("--range") is { } r ? (From: int.Parse(r.Split('-')[0], CultureInfo.InvariantCulture), To: int.Parse(r.Split('-')[1], CultureInfo.InvariantCulture)) : ((int From, int To)?)null;
var report = range is null ? Argument("--report") : null;
var save = Argument("--save") ?? Path.GetTempPath();
Directory.CreateDirectory(save);
var root = FindRoot();
var images = Path.Combine(root, "tests", "TestImages");
var seeds = new[]
    {
        // Our own photos and edge cases.
        "photo-cups.jpg", "photo-autumn.jpg", "exif-rotated.jpg", "cmyk.jpg", "greyscale.jpg", "alpha.png", "deep-16bit.png", "wood.webp", "animated.gif", "one-pixel.png",
        "jpeg/progressive-420.jpg", "jpeg/progressive-restart-422.jpg", "jpeg/restart-420.jpg", "jpeg/baseline-440.jpg", "jpeg/arithmetic-420.jpg",

        // Other projects' test files (external/README.md): EXIF orientation in JPEG and WebP,
        "external/sharp-Landscape_6-noicc.jpg", "external/pillow-hopper_orientation_5.jpg", "external/pillow-hopper_orientation_8.webp", "external/derived-Landscape_6.webp",
        // tRNS, 16-bit and interlaced PNGs,
        "external/pngsuite-ftbbn3p08.png", "external/pngsuite-ftbrn2c08.png", "external/pngsuite-ftbwn0g16.png", "external/pngsuite-basn6a16.png", "external/pngsuite-basn2c16.png", "external/pngsuite-ibasn6a08.png",
        // transparent and animated GIF and WebP, lossless WebP,
        "external/pillow-transparent.gif", "external/sharp-rotating-squares.gif", "external/pillow-dispose_bgnd.gif",
        "external/pillow-transparent.webp", "external/sharp-rotating-squares.webp", "external/derived-basn6a08-lossless.webp",
        // CMYK (with and without a profile), Display P3, progressive with restarts, arithmetic, 12-bit, lossless.
        "external/pillow-pil_sample_cmyk.jpg", "external/derived-pil_sample_cmyk-icc.jpg", "external/jpegdecoder-jpg-cmyk-1.jpg", "external/prism-pizza-rgb8-displayp3.jpg",
        "external/derived-testorig-progressive-rst.jpg", "external/ljt-testimgari.jpg", "external/ljt-monkey12.jpg", "external/jpegdecoder-jpeg_lossless_sel1.jpg",
    }
    .Select(name => (Name: name, Bytes: File.ReadAllBytes(Path.Combine(images, name))))
    .ToArray();
var specs = new[]
{
    new RenditionSpec(800, 800, FitMode.Inside, OutputFormats.Webp, 80),
    new RenditionSpec(200, null, FitMode.Inside, OutputFormats.Jpeg, 70),
    new RenditionSpec(120, 120, FitMode.Cover, OutputFormats.Png, null),
    new RenditionSpec(90, 60, FitMode.Contain, OutputFormats.Gif, null),
    new RenditionSpec(120, 120, FitMode.Cover, OutputFormats.Avif, 60),
};

var limits = new ProcessingLimits();
var pipeline = new ImagePipeline(limits, new RenditionDefaults());
if (Argument("--file") is { } file)
{
    // One file, every spec: for reproducers.
    var failed = false;
    foreach (var spec in specs)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var stream = new MemoryStream(File.ReadAllBytes(file), writable: false);
            var rendered = pipeline.Render(stream, spec, null, CancellationToken.None);
            Console.WriteLine($"{Describe(spec)}: 200, {rendered.Width}×{rendered.Height}, {rendered.Content.Length} bytes, {watch.ElapsedMilliseconds} ms; peak RSS {Memory("VmHWM")} MB");
        }
        catch (Exception ex)
        {
            var status = ProblemTypes.For(ex)?.Status ?? 500;
            failed |= status == 500;
            Console.WriteLine($"{Describe(spec)}: {status}, {watch.ElapsedMilliseconds} ms; peak RSS {Memory("VmHWM")} MB; {ex.GetType().FullName}: {ex.Message.ReplaceLineEndings(" ").Trim()}");
            if (status == 500)
            {
                Console.WriteLine(ex.StackTrace);
            }
        }
    }

    return failed ? 1 : 0;
}

var random = new Random(seed);
var outcomes = new SortedDictionary<string, Outcome>(StringComparer.Ordinal);
var findings = new List<string>();
var hangs = new List<string>();
var slowest = new List<(TimeSpan Took, string What)>();
var peakSteps = new List<(long Megabytes, string What)>(); // inputs that raised the peak resident set
var peak = Memory("VmHWM");
var clock = Stopwatch.StartNew();
var inFlight = Path.Combine(save, "imageapi-fuzz-in-flight.bin");
var timeout = TimeSpan.FromSeconds(30);

// A render still going after 10 s is saved at once: if it never returns, the input is on disk.
var current = (Index: -1, Started: TimeSpan.Zero, Bytes: Array.Empty<byte>(), Saved: false);
var gate = new Lock();
using var watchdog = new Timer(_ =>
{
    lock (gate)
    {
        if (current.Index >= 0 && !current.Saved && clock.Elapsed - current.Started > TimeSpan.FromSeconds(10))
        {
            var path = Path.Combine(save, $"imageapi-fuzz-slow-{current.Index}.bin");
            File.WriteAllBytes(path, current.Bytes);
            current.Saved = true;
            Console.Error.WriteLine($"input {current.Index} has run 10 s; saved to {path}");
        }
    }
}, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

for (var i = 0; i < iterations; i++)
{
    var (name, original) = seeds[random.Next(seeds.Length)];
    var (mutation, bytes) = Mutator.Mutate(original, seeds[random.Next(seeds.Length)].Bytes, random);
    var spec = specs[random.Next(specs.Length)];
    if ((only is { } wanted && wanted != i) || (range is { } part && (i < part.From || i > part.To)))
    {
        continue;
    }

    var what = $"{name} ({mutation}) → {Describe(spec)}, input {i}";
    if (only is not null)
    {
        File.WriteAllBytes(Path.Combine(save, $"imageapi-fuzz-input-{i}.bin"), bytes);
    }

    // Kept on disk while it renders, for a crash of the whole process (a native fault is no exception).
    File.WriteAllBytes(inFlight, bytes);
    var started = clock.Elapsed;
    lock (gate)
    {
        current = (i, started, bytes, false);
    }

    string kind;
    int status;
    try
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var stream = new MemoryStream(bytes, writable: false);
        pipeline.Render(stream, spec, null, cancel.Token);
        (kind, status) = ("rendered", 200);
    }
    catch (OperationCanceledException)
    {
        // The service answers this 503 (render timeout), but an input that takes 30 s is a finding.
        (kind, status) = ($"render timeout ({timeout.TotalSeconds:0} s)", 503);
        hangs.Add(what);
        File.WriteAllBytes(Path.Combine(save, $"imageapi-fuzz-hang-{i}.bin"), bytes);
    }
    catch (Exception ex)
    {
        // The service's own type, and what libvips threw underneath it.
        kind = ex.GetType().Name + (ex.InnerException is { } inner ? $" ← {inner.GetType().Name}" : "");
        status = ProblemTypes.For(ex)?.Status ?? 500;
        if (only is not null)
        {
            Console.WriteLine($"{ex.GetType().FullName}: {ex.Message}\n{ex.StackTrace}");
        }

        if (status == 500)
        {
            findings.Add($"{what}: {ex.GetType().FullName}: {ex.Message.ReplaceLineEndings(" ").Trim()}");
            File.WriteAllBytes(Path.Combine(save, $"imageapi-fuzz-finding-{i}.bin"), bytes);
        }
    }

    var took = clock.Elapsed - started;
    lock (gate)
    {
        current = (-1, TimeSpan.Zero, [], false);
    }

    if (slowest.Count < 5 || took > slowest[^1].Took)
    {
        if (slowest.Count == 0 || took > slowest[0].Took)
        {
            File.WriteAllBytes(Path.Combine(save, "imageapi-fuzz-slowest.bin"), bytes);
        }

        slowest.Add((took, $"{what}: {status}"));
        slowest = [.. slowest.OrderByDescending(s => s.Took).Take(5)];
    }

    var nowPeak = Memory("VmHWM");
    if (nowPeak > peak + 32)
    {
        if (peakSteps.Count == 0 || nowPeak - peak > peakSteps.Max(p => p.Megabytes))
        {
            File.WriteAllBytes(Path.Combine(save, "imageapi-fuzz-peak.bin"), bytes);
        }

        peakSteps.Add((nowPeak - peak, $"{what}: {status}, peak {peak} → {nowPeak} MB"));
    }

    peak = Math.Max(peak, nowPeak);
    var key = $"{kind} → {status}";
    outcomes[key] = outcomes.TryGetValue(key, out var before) ? before with { Count = before.Count + 1 } : new Outcome(kind, status, 1, mutation);
    if (only is not null)
    {
        Console.WriteLine($"{what}: {kind} → {status} in {took.TotalMilliseconds:0} ms");
    }
    else if ((i + 1) % 500 == 0)
    {
        Console.Error.WriteLine($"{i + 1}/{iterations} in {clock.Elapsed.TotalSeconds:0} s; RSS {Memory("VmRSS")} MB, peak {Memory("VmHWM")} MB");
    }
}

File.Delete(inFlight);
var rssBeforeGc = Memory("VmRSS");
GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
Thread.Sleep(500);
var rssAfterGc = Memory("VmRSS");
if (only is not null)
{
    return outcomes.Values.Any(o => o.Status == 500) ? 1 : 0;
}

var byStatus = outcomes.Values.GroupBy(o => o.Status).OrderBy(g => g.Key)
    .Select(g => $"{g.Key}: {g.Sum(o => o.Count)}");
var text = new StringBuilder();
text.AppendLine(CultureInfo.InvariantCulture, $"{iterations} mutated inputs (seed {seed}) from {seeds.Length} real images, {specs.Length} rendition specs ({string.Join(", ", specs.Select(Describe))}), libvips {ImageApi.Processing.Engine.VipsEngine.Version}, in {clock.Elapsed.TotalSeconds:0} s ({iterations / clock.Elapsed.TotalSeconds:0} inputs/s).");
text.AppendLine();
text.AppendLine(CultureInfo.InvariantCulture, $"By status: {string.Join(", ", byStatus)}. Peak resident memory of the process {Memory("VmHWM")} MB (VmHWM). Resident memory at the end {rssBeforeGc} MB, {rssAfterGc} MB after a full GC. Slowest input {slowest[0].Took.TotalMilliseconds:0} ms: {slowest[0].What}.");
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
    : $"{findings.Count} inputs were NOT mapped (they would be 500s), saved to {save}/imageapi-fuzz-finding-*.bin:\n\n" + string.Join('\n', findings.Take(20).Select(f => "- " + f)));
text.AppendLine(hangs.Count == 0
    ? $"No render outlived the {timeout.TotalSeconds:0} s timeout."
    : $"\n{hangs.Count} renders outlived the {timeout.TotalSeconds:0} s timeout, saved to {save}/imageapi-fuzz-hang-*.bin:\n\n" + string.Join('\n', hangs.Take(20).Select(f => "- " + f)));
Console.WriteLine(text);
Console.Error.WriteLine("Inputs that raised the peak resident set by more than 32 MB:\n" + string.Join('\n', peakSteps.OrderByDescending(p => p.Megabytes).Take(10).Select(p => $"  +{p.Megabytes} MB  {p.What}")));
Console.Error.WriteLine("Slowest inputs:\n" + string.Join('\n', slowest.Select(s => $"  {s.Took.TotalMilliseconds:0} ms  {s.What}")));

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

return findings.Count == 0 && hangs.Count == 0 ? 0 : 1;

static string Describe(RenditionSpec spec) =>
    $"{spec.Width?.ToString(CultureInfo.InvariantCulture) ?? "auto"}×{spec.Height?.ToString(CultureInfo.InvariantCulture) ?? "auto"} {spec.Fit.ToString().ToLowerInvariant()} {spec.Format.Name}";

// Resident memory in MB from /proc/self/status: VmRSS now, VmHWM the peak (native libvips memory included).
static long Memory(string field)
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
    return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
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
