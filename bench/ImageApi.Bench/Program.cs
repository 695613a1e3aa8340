// ImageApi's side of the benchmark: the work the service does, through ImageApi.Processing (libvips),
// and the peer "ImageSharp as it comes", on the same files and scenarios as bench/sharp/bench.mjs,
// with two concurrent workers. Prints one JSON line.
//   dotnet bench/ImageApi.Bench/bin/Release/net10.0/ImageApi.Bench.dll --scenario default --corpus bench/corpus --rounds 3 [--engine libvips|imagesharp]
//   ... --quality <outputs>            SSIM/PSNR of saved outputs (Quality.cs)
//   ... --avif <dir> [--sizes ...]     the AVIF study (Studies.cs)
//   ... --intermediate                 the intermediate study (Studies.cs)
//   ... --first-view                   first-view widths from the intermediate against from the original (Studies.cs)
//   engines: libvips (later sizes from the stored intermediate), libvips-held (from its pixels in memory), imagesharp
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageApi.Processing.Engine;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

var scenario = Argument("--scenario") ?? "default";
var corpus = Argument("--corpus") ?? "bench/corpus";
var rounds = int.Parse(Argument("--rounds") ?? "3", CultureInfo.InvariantCulture);
var workers = int.Parse(Argument("--workers") ?? "2", CultureInfo.InvariantCulture);
var engine = Argument("--engine") ?? "libvips";
var save = Argument("--save");
var defaults = new RenditionDefaults();
var options = new PipelineOptions();
if (Argument("--parallelism") is { } parallelism)
{
    options.Parallelism = int.Parse(parallelism, CultureInfo.InvariantCulture);
}

if (Argument("--webp-effort") is { } effort)
{
    options.WebpEffort = int.Parse(effort, CultureInfo.InvariantCulture);
}

if (Argument("--intermediate-size") is { } size)
{
    options.IntermediateMaxDimension = int.Parse(size, CultureInfo.InvariantCulture);
}

if (Argument("--intermediate-quality") is { } iq)
{
    options.IntermediateQuality = int.Parse(iq, CultureInfo.InvariantCulture);
}

var files = Directory.GetFiles(corpus).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
    .Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
if (Argument("--quality") is { } qualityRoot)
{
    Quality.Report(corpus, qualityRoot);
    return;
}

var pipeline = new ImagePipeline(new ProcessingLimits(), defaults, options);
if (Argument("--avif") is { } avifDirectory)
{
    Studies.Avif(pipeline, files, avifDirectory, Argument("--reference") is not null);
    return;
}

if (Argument("--avif-sizes") is { } sizes)
{
    Studies.AvifSizes(pipeline, files, sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
        int.Parse(Argument("--q") ?? OutputFormats.Avif.DefaultQuality.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    return;
}

if (args.Contains("--first-view"))
{
    Studies.FirstView(pipeline, files);
    return;
}

if (args.Contains("--intermediate"))
{
    Studies.Intermediate(defaults, files);
    return;
}

var w400 = new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Jpeg, 80);
RenditionSpec? onDemand = scenario switch
{
    "default" => null,
    "first-size" => w400,
    "w400-jpeg" => w400,
    "w1200-webp" => new RenditionSpec(1200, null, FitMode.Inside, OutputFormats.Webp, 80),
    "cover300" => new RenditionSpec(300, 300, FitMode.Cover, OutputFormats.Webp, 80),
    _ => throw new ArgumentException($"unknown scenario {scenario}"),
};
var defaultSpec = TransformRequest.Default(defaults).Resolve(defaults);

// What an original's first new size left behind, for the later-size scenarios only (made before timing
// starts): making them decodes every original, which would count in the other scenarios' peak memory.
// libvips-held keeps the intermediates' pixels as the service does for the originals asked for lately.
var prepared = engine == "imagesharp" || scenario is "default" or "first-size" ? [] : files.Select(f =>
{
    using var stream = Open(f.Bytes);
    var first = pipeline.RenderWithIntermediate(stream, w400);
    return (Original: new Dimensions(first.Source.Width, first.Source.Height), first.Intermediate, Held: engine == "libvips-held" ? first.Decoded : null);
}).ToArray();

// default: everything the service does when an original arrives (the default rendition).
// first-size: an original's first new size, which also makes the intermediate.
// the others: later new sizes, cut from the intermediate when they fit inside it.
Func<int, byte[]> operation = engine switch
{
    "imagesharp" => ImageSharpPeer.For(scenario) is var peer ? i => peer(files[i].Bytes) : null!,
    "libvips" => scenario switch
    {
        "default" => i => Direct(files[i].Bytes, defaultSpec),
        "first-size" => i => First(files[i].Bytes, w400),
        _ => i => OnDemand(i, onDemand!),
    },
    "libvips-held" when onDemand is not null && scenario != "first-size" => i => OnDemand(i, onDemand),
    _ => throw new ArgumentException($"unknown engine {engine}"),
};

byte[] Direct(byte[] bytes, RenditionSpec spec)
{
    using var stream = Open(bytes);
    return pipeline.Render(stream, spec).Content;
}

byte[] First(byte[] bytes, RenditionSpec spec)
{
    using var stream = Open(bytes);
    return pipeline.RenderWithIntermediate(stream, spec).Rendition.Content;
}

byte[] OnDemand(int i, RenditionSpec spec)
{
    var (original, intermediate, held) = prepared[i];
    if (held is not null && pipeline.CanRenderFromIntermediate(spec, original, new Dimensions(held.Width, held.Height)))
    {
        return pipeline.Render(held, spec).Content;
    }

    if (intermediate is not null && pipeline.CanRenderFromIntermediate(spec, original, new Dimensions(intermediate.Width, intermediate.Height)))
    {
        using var fromIntermediate = Open(intermediate.Content);
        return pipeline.Render(fromIntermediate, spec, original).Content;
    }

    return Direct(files[i].Bytes, spec);
}

// Warm-up: whole passes for at least three seconds, so the JIT has moved the hot paths to optimised
// code (as in a service that has been running; the Lambda package is ReadyToRun) before timing starts.
var warming = Stopwatch.StartNew();
do
{
    Run(files.Length, null, null);
}
while (warming.Elapsed < TimeSpan.FromSeconds(3));
var latencies = new List<double>();
var outputs = new Dictionary<string, int>();
var clock = Stopwatch.StartNew();
Run(files.Length * rounds, latencies, outputs);
var seconds = clock.Elapsed.TotalSeconds;
latencies.Sort();
double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
Console.WriteLine(JsonSerializer.Serialize(new
{
    engine,
    version = engine == "imagesharp" ? ImageSharpPeer.Version : VipsEngine.Version,
    scenario,
    operations = latencies.Count,
    seconds,
    throughput = latencies.Count / seconds,
    p50 = Percentile(0.5),
    p95 = Percentile(0.95),
    peakRssMb = PeakRssMegabytes(),
    outputBytes = outputs,
}));

void Run(int count, List<double>? times, Dictionary<string, int>? sizes)
{
    var next = -1;
    var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            var output = operation(i % files.Length);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (files)
            {
                times?.Add(ms);
                if (sizes is not null && i < files.Length)
                {
                    sizes[files[i].Name] = output.Length;
                    if (save is not null)
                    {
                        Directory.CreateDirectory(save);
                        File.WriteAllBytes(Path.Combine(save, files[i].Name), output);
                    }
                }
            }
        }
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
}

static double PeakRssMegabytes()
{
    var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

// As the service holds a downloaded file: a MemoryStream whose buffer the pipeline may read directly.
static MemoryStream Open(byte[] bytes) => new(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
