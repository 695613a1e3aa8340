// ImageApi's side of the benchmark: the work the service does, through ImageApi.Processing, on the
// same files and scenarios as bench/sharp/bench.mjs, with two concurrent workers. Prints one JSON line.
//   dotnet run -c Release --project bench/ImageApi.Bench -- --scenario default --corpus bench/corpus --rounds 3 [--engine service|direct]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

var scenario = Argument("--scenario") ?? "default";
var corpus = Argument("--corpus") ?? "bench/corpus";
var rounds = int.Parse(Argument("--rounds") ?? "3", CultureInfo.InvariantCulture);
var workers = int.Parse(Argument("--workers") ?? "2", CultureInfo.InvariantCulture);
var engine = Argument("--engine") ?? "service";
var save = Argument("--save");
if (Argument("--quality") is { } qualityRoot)
{
    Quality.Report(corpus, qualityRoot);
    return;
}

var defaults = new RenditionDefaults();

// "direct": plain ImageSharp as it comes (its decoders, its parallelism, its WebP effort), always from the original.
// "service": the pipeline as the service configures it, with the intermediate made at upload.
var options = engine == "direct"
    ? new PipelineOptions { Parallelism = Environment.ProcessorCount, WebpMethod = 4, IntermediateMaxDimension = 0, ShrinkOnLoad = false }
    : new PipelineOptions();
if (Argument("--parallelism") is { } parallelism)
{
    options.Parallelism = int.Parse(parallelism, CultureInfo.InvariantCulture);
}

if (Argument("--webp-method") is { } method)
{
    options.WebpMethod = int.Parse(method, CultureInfo.InvariantCulture);
}

var pipeline = new ImagePipeline(new ProcessingLimits(), defaults, options);
var files = Directory.GetFiles(corpus).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
    .Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();

var w400 = new RenditionSpec(400, null, FitMode.Inside, OutputFormat.Jpeg, 80);
RenditionSpec? onDemand = scenario switch
{
    "default" => null,
    "first-size" => w400,
    "w400-jpeg" => w400,
    "w1200-webp" => new RenditionSpec(1200, null, FitMode.Inside, OutputFormat.Webp, 80),
    "cover300" => new RenditionSpec(300, 300, FitMode.Cover, OutputFormat.Webp, 80),
    _ => throw new ArgumentException($"unknown scenario {scenario}"),
};
var defaultSpec = TransformRequest.Default(defaults).Resolve(true, false);

// What an original's first new size left behind, for the later-size scenarios (made before timing starts).
var prepared = files.Select(f =>
{
    using var stream = Open(f.Bytes);
    var first = pipeline.RenderWithIntermediate(stream, w400);
    return (Original: new Dimensions(first.Source.Width, first.Source.Height), Intermediate: first.Intermediate);
}).ToArray();

// default: everything the service does when an original arrives (the default rendition).
// first-size: an original's first new size, which also makes the intermediate.
// the others: later new sizes, cut from the intermediate when they fit inside it.
Func<int, byte[]> operation = scenario switch
{
    "default" => i => Direct(files[i].Bytes, defaultSpec),
    "first-size" when engine == "service" => i => First(files[i].Bytes, w400),
    _ when engine == "direct" => i => Direct(files[i].Bytes, onDemand!),
    _ => i => OnDemand(i, onDemand!),
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
    var (original, intermediate) = prepared[i];
    if (intermediate is not null && ImagePipeline.CanRenderFromIntermediate(spec, original, new Dimensions(intermediate.Width, intermediate.Height), defaults.MaxWidth, defaults.MaxHeight))
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
    engine = "imagesharp-" + engine,
    version = typeof(SixLabors.ImageSharp.Image).Assembly.GetName().Version?.ToString(),
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
