using System.Diagnostics;
using System.Text.Json;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

/// <summary>
/// The measurements behind the defaults that are not a peer comparison: AVIF's default quality and
/// effort against WebP's (and sharp's AVIF on the same pixels), AVIF's encode time against the output's
/// area (<c>Delivery:AutoAvifMaxPixels</c>), and the intermediate's format, quality and size. Each
/// runs one image at a time (one libvips thread), so times are per image on one core.
/// </summary>
internal static class Studies
{
    public static readonly int[] AvifQualities = [45, 50, 55, 60, 65];
    public static readonly int[] AvifEfforts = [2, 4];

    /// <summary>
    /// On each original's default rendition before it is encoded (the pipeline's 800 px resize, kept
    /// losslessly as <c>reference/NAME.png</c> in <paramref name="directory"/>): WebP q80 effort 4 and AVIF at
    /// each q and effort, their bytes, SSIM to those pixels and encode time. With
    /// <paramref name="referencesOnly"/> it only writes the references (for bench/sharp/bench.mjs
    /// --avif-study to encode); otherwise it also scores what sharp wrote under <c>sharp/</c>.
    /// </summary>
    public static void Avif(ImagePipeline pipeline, (string Name, byte[] Bytes)[] files, string directory, bool referencesOnly)
    {
        var referenceDirectory = Path.Combine(directory, "reference");
        Directory.CreateDirectory(referenceDirectory);
        var references = files.Select(f =>
        {
            using var stream = new MemoryStream(f.Bytes);
            var png = pipeline.Render(stream, new RenditionSpec(800, 800, FitMode.Inside, OutputFormats.Png, null)).Content;
            File.WriteAllBytes(Path.Combine(referenceDirectory, Path.ChangeExtension(f.Name, ".png")), png);
            return (f.Name, Pixels: Pixels.From(png));
        }).ToArray();
        if (referencesOnly)
        {
            return;
        }

        var settings = new List<(string Engine, OutputFormat Format, int Q, int Effort)> { ("libvips", OutputFormats.Webp, 80, 4) };
        foreach (var effort in AvifEfforts)
        {
            settings.AddRange(AvifQualities.Select(q => ("libvips", OutputFormats.Avif, q, effort)));
        }

        var rows = new List<object>();
        foreach (var (engine, format, q, effort) in settings)
        {
            var encoder = new EncoderSettings(WebpEffort: effort, AvifEffort: effort);
            var perFile = references.Select(r =>
            {
                using var image = r.Pixels.ToImage();
                using var memory = image.CopyMemory();
                var output = format.Encoder.Encode(memory, q, encoder); // warm: first encode pays libaom's set-up
                var times = Enumerable.Range(0, 2).Select(_ =>
                {
                    var started = Stopwatch.GetTimestamp();
                    output = format.Encoder.Encode(memory, q, encoder);
                    return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }).Min();
                return (Bytes: output.Length, Quality.BestAligned(r.Pixels, Pixels.From(output)) is var s ? s : default, Ms: times, Pixels: (long)r.Pixels.Width * r.Pixels.Height);
            }).ToArray();
            rows.Add(Row(engine, format.Name, q, effort, perFile.Select(p => (p.Bytes, p.Item2.Ssim, p.Item2.Psnr, p.Ms)).ToArray()));
        }

        // sharp's AVIF of the same pixels: bench.mjs --avif-study wrote sharp/q{q}-e{effort}/NAME.avif and times.json.
        var sharpTimes = Path.Combine(directory, "sharp", "times.json");
        if (File.Exists(sharpTimes))
        {
            foreach (var setting in JsonSerializer.Deserialize<List<SharpSetting>>(File.ReadAllText(sharpTimes))!)
            {
                var perFile = references.Select(r =>
                {
                    var output = File.ReadAllBytes(Path.Combine(directory, "sharp", $"{setting.format}-q{setting.q}-e{setting.effort}", Path.ChangeExtension(r.Name, ".png") + "." + setting.format));
                    var (ssim, psnr) = Quality.BestAligned(r.Pixels, Pixels.From(output));
                    return (output.Length, ssim, psnr, setting.ms[Path.ChangeExtension(r.Name, ".png")]);
                }).ToArray();
                rows.Add(Row("sharp", setting.format, setting.q, setting.effort, perFile));
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(rows));
    }

    private static object Row(string engine, string format, int q, int effort, (int Bytes, double Ssim, double Psnr, double Ms)[] perFile) => new
    {
        engine,
        format,
        q,
        effort,
        bytes = perFile.Sum(p => p.Bytes),
        ssim = perFile.Average(p => p.Ssim),
        ssimMin = perFile.Min(p => p.Ssim),
        psnr = perFile.Average(p => p.Psnr),
        encodeMs = perFile.Average(p => p.Ms),
        encodeMsMax = perFile.Max(p => p.Ms),
        files = perFile.Length,
    };

    private sealed record SharpSetting(string format, int q, int effort, Dictionary<string, double> ms);

    /// <summary>AVIF's encode time (and the whole render's) against the output's area: the default renditions' pixels resized to each long edge.</summary>
    public static void AvifSizes(ImagePipeline pipeline, (string Name, byte[] Bytes)[] files, int[] edges, int q)
    {
        var encoder = new EncoderSettings(4, 4);
        var rows = new List<object>();
        foreach (var edge in edges)
        {
            var perFile = files.Select(f =>
            {
                using var stream = new MemoryStream(f.Bytes);
                var png = pipeline.Render(stream, new RenditionSpec(edge, edge, FitMode.Inside, OutputFormats.Png, null)).Content;
                var pixels = Pixels.From(png);
                using var image = pixels.ToImage();
                using var memory = image.CopyMemory();
                OutputFormats.Avif.Encoder.Encode(memory, q, encoder);
                var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                OutputFormats.Avif.Encoder.Encode(memory, q, encoder);
                var encode = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var encodeCpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                started = Stopwatch.GetTimestamp();
                OutputFormats.Webp.Encoder.Encode(memory, 80, encoder);
                var webp = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                using var again = new MemoryStream(f.Bytes);
                started = Stopwatch.GetTimestamp();
                pipeline.Render(again, new RenditionSpec(edge, edge, FitMode.Inside, OutputFormats.Avif, q));
                var render = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                return (Pixels: (long)pixels.Width * pixels.Height, Encode: encode, Cpu: encodeCpu, Webp: webp, Render: render);
            }).ToArray();
            rows.Add(new
            {
                edge,
                q,
                effort = 4,
                pixels = perFile.Average(p => p.Pixels),
                encodeMs = perFile.Average(p => p.Encode),
                encodeMsMax = perFile.Max(p => p.Encode),
                encodeCpuMs = perFile.Average(p => p.Cpu),
                encodeCpuMsMax = perFile.Max(p => p.Cpu),
                msPerMegapixel = perFile.Average(p => p.Encode / (p.Pixels / 1e6)),
                webpEncodeMs = perFile.Average(p => p.Webp),
                renderMs = perFile.Average(p => p.Render),
            });
        }

        Console.WriteLine(JsonSerializer.Serialize(rows));
    }

    /// <summary>
    /// The intermediate's format, quality and size: for each, later sizes cut from it against the same
    /// sizes made from the original — SSIM to the source (Quality.Reference), bytes, time to cut — and
    /// what making it costs (time, bytes).
    /// </summary>
    public static void Intermediate(RenditionDefaults defaults, (string Name, byte[] Bytes)[] files)
    {
        var pipeline = new ImagePipeline(new ImageApi.Processing.Limits.ProcessingLimits(), defaults, new PipelineOptions());
        var scenarios = new (string Name, RenditionSpec Spec)[]
        {
            ("w400-jpeg", new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Jpeg, 80)),
            ("w1200-webp", new RenditionSpec(1200, null, FitMode.Inside, OutputFormats.Webp, 80)),
            ("cover300", new RenditionSpec(300, 300, FitMode.Cover, OutputFormats.Webp, 80)),
        };
        var variants = new (string Name, OutputFormat? Format, int Q, int Size)[]
        {
            ("original", null, 0, 0),
            ("jpeg-q90-1600", OutputFormats.Jpeg, 90, 1600),
            ("jpeg-q95-1600", OutputFormats.Jpeg, 95, 1600),
            ("webp-q90-1600", OutputFormats.Webp, 90, 1600),
            ("jpeg-q90-2048", OutputFormats.Jpeg, 90, 2048),
            ("jpeg-q95-2048", OutputFormats.Jpeg, 95, 2048),
            ("webp-q90-2048", OutputFormats.Webp, 90, 2048),
        };
        var originals = files.Select(f =>
        {
            var info = pipeline.Inspect(new MemoryStream(f.Bytes));
            return (f.Name, f.Bytes, Dimensions: new Dimensions(info.Width, info.Height), info.HasAlpha);
        }).Where(f => !f.HasAlpha).ToArray();
        var references = new Dictionary<(string, string), Pixels>();
        var rows = new List<object>();
        foreach (var (name, format, q, size) in variants)
        {
            var makeMs = new List<double>();
            var intermediateBytes = 0L;
            var cuts = scenarios.ToDictionary(s => s.Name, _ => new List<(double Ssim, double Psnr, int Bytes, double Ms)>());
            foreach (var original in originals)
            {
                var source = original.Bytes;
                Dimensions? plannedFrom = null;
                if (format is not null)
                {
                    var spec = new RenditionSpec(size, size, FitMode.Inside, format, q);
                    pipeline.Render(new MemoryStream(original.Bytes), spec);
                    var started = Stopwatch.GetTimestamp();
                    var made = pipeline.Render(new MemoryStream(original.Bytes), spec);
                    makeMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    intermediateBytes += made.Content.Length;
                    source = made.Content;
                    plannedFrom = original.Dimensions;
                    if (made.Width >= original.Dimensions.Width)
                    {
                        source = original.Bytes; // small originals get no intermediate
                    }
                }

                foreach (var (scenario, spec) in scenarios)
                {
                    var from = source;
                    if (plannedFrom is { } planned && from != original.Bytes)
                    {
                        var info = pipeline.Inspect(new MemoryStream(from));
                        if (!pipeline.CanRenderFromIntermediate(spec, planned, new Dimensions(info.Width, info.Height)))
                        {
                            from = original.Bytes;
                        }
                    }

                    var output = pipeline.Render(new MemoryStream(from), spec, from == original.Bytes ? null : plannedFrom).Content;
                    var ms = Enumerable.Range(0, 3).Select(_ =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        pipeline.Render(new MemoryStream(from), spec, from == original.Bytes ? null : plannedFrom);
                        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }).Order().ElementAt(1);
                    var candidate = Pixels.From(output);
                    if (!references.TryGetValue((original.Name, scenario), out var reference))
                    {
                        reference = references[(original.Name, scenario)] = Quality.Reference(original.Bytes, candidate.Width, candidate.Height, scenario == "cover300");
                    }

                    var (ssim, psnr) = Quality.BestAligned(reference, candidate);
                    cuts[scenario].Add((ssim, psnr, output.Length, ms));
                }
            }

            rows.Add(new
            {
                variant = name,
                makeMs = makeMs.Count == 0 ? 0 : makeMs.Average(),
                intermediateBytes,
                files = originals.Length,
                scenarios = cuts.ToDictionary(c => c.Key, c => new
                {
                    ssim = c.Value.Average(v => v.Ssim),
                    ssimMin = c.Value.Min(v => v.Ssim),
                    psnr = c.Value.Average(v => v.Psnr),
                    bytes = c.Value.Sum(v => v.Bytes),
                    ms = c.Value.Average(v => v.Ms),
                }),
            });
        }

        Console.WriteLine(JsonSerializer.Serialize(rows));
    }

    /// <summary>
    /// A page's first view: its srcset widths cut from the intermediate — from its pixels, as the first
    /// view is (one decode of the original serves all four), and from the stored file, as on another
    /// instance — against the same widths made from the original; PSNR and SSIM to the original decoded
    /// whole and resized (Quality.Reference), per width.
    /// </summary>
    public static void FirstView(ImagePipeline pipeline, (string Name, byte[] Bytes)[] files)
    {
        int[] widths = [320, 640, 960, 1280];
        var paths = new[] { "original", "held", "stored" };
        var cells = widths.ToDictionary(w => w, _ => paths.ToDictionary(p => p, _ => new List<(double Ssim, double Psnr, int Bytes)>()));
        foreach (var (_, bytes) in files)
        {
            var first = pipeline.RenderWithIntermediate(new MemoryStream(bytes), new RenditionSpec(widths[0], null, FitMode.Inside, OutputFormats.Webp, 80));
            var original = new Dimensions(first.Source.Width, first.Source.Height);
            foreach (var width in widths)
            {
                var spec = new RenditionSpec(width, null, FitMode.Inside, OutputFormats.Webp, 80);
                var outputs = new Dictionary<string, byte[]> { ["original"] = pipeline.Render(new MemoryStream(bytes), spec).Content };
                if (first is { Decoded: { } held, Intermediate: { } stored } && pipeline.CanRenderFromIntermediate(spec, original, new Dimensions(held.Width, held.Height)))
                {
                    outputs["held"] = pipeline.Render(held, spec).Content;
                    outputs["stored"] = pipeline.Render(new MemoryStream(stored.Content), spec, original).Content;
                }
                else
                {
                    outputs["held"] = outputs["stored"] = outputs["original"]; // no intermediate: every path is the original
                }

                var size = Pixels.From(outputs["original"]);
                var reference = Quality.Reference(bytes, size.Width, size.Height, false);
                foreach (var (path, output) in outputs)
                {
                    var (ssim, psnr) = Quality.BestAligned(reference, Pixels.From(output));
                    cells[width][path].Add((ssim, psnr, output.Length));
                }
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(widths.Select(w => new
        {
            width = w,
            files = files.Length,
            paths = cells[w].ToDictionary(c => c.Key, c => new
            {
                ssim = c.Value.Average(v => v.Ssim),
                psnr = c.Value.Average(v => v.Psnr),
                bytes = c.Value.Sum(v => v.Bytes),
                // The worst photo's PSNR against its own from-the-original rendition.
                worstDelta = c.Value.Zip(cells[w]["original"], (a, o) => a.Psnr - o.Psnr).Min(),
            }),
        })));
    }
}
