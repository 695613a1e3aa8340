using System.Collections.Concurrent;
using System.Text;
using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ImageApi.Tests;

/// <summary>OpenTelemetry metrics reach a collector when configured; Server-Timing and logs carry the stages.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_are_exported_over_otlp_to_the_configured_collector()
    {
        // A minimal OTLP/HTTP receiver: it keeps every body posted to /v1/metrics.
        var port = MotoServer.FreePort();
        var received = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();

        using var factory = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Telemetry:Exporter"] = "Otlp",
            ["Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["Telemetry:ExportInterval"] = "00:00:00.2",
        });
        var client = factory.CreateClient();
        var ticket = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        await client.GetImageAsync(ticket.Image("w=100"));
        await client.GetImageAsync(ticket.Image("w=100"));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string Exported() => string.Join("\n", received.Select(b => Encoding.UTF8.GetString(b)));
        while (DateTime.UtcNow < deadline && !(Exported().Contains("imageapi.renditions.generated", StringComparison.Ordinal)
            && Exported().Contains("imageapi.render.stage.duration", StringComparison.Ordinal)
            && Exported().Contains("imageapi.renditions.served_from_storage", StringComparison.Ordinal)))
        {
            await Task.Delay(100);
        }

        var exported = Exported();
        Assert.Contains("imageapi.renditions.generated", exported, StringComparison.Ordinal);
        Assert.Contains("imageapi.render.stage.duration", exported, StringComparison.Ordinal);
        Assert.Contains("imageapi.renditions.served_from_storage", exported, StringComparison.Ordinal);
        // The histogram's stage attribute, as OTLP's protobuf spells it (the instrument's description names
        // the stages too, so a plain substring would prove nothing). libvips fuses decode, resize and
        // encode into one render stage.
        foreach (var stage in new[] { "fetch", "inspect", "render", "store" })
        {
            Assert.Contains(StageAttribute(stage), exported, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(StageAttribute("decode"), exported, StringComparison.Ordinal);
    }

    /// <summary>An OTLP KeyValue { key: "stage", value: AnyValue { string_value: stage } } in protobuf.</summary>
    private static string StageAttribute(string stage) =>
        $"\n\u0005stage\u0012{(char)(stage.Length + 2)}\n{(char)stage.Length}{stage}";

    [Fact]
    public async Task Otlp_without_an_endpoint_stops_start_up()
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { ["Telemetry:Exporter"] = "Otlp" });
        Assert.NotEqual(0, exit);
        Assert.Contains("Telemetry:OtlpEndpoint", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_responses_carry_stage_timings_and_the_log_says_miss_or_hit()
    {
        using var factory = new ImageApiFactory();
        var client = factory.CreateClient();
        var ticket = await client.UploadAsync("photo-autumn.jpg", "image/jpeg");
        var (miss, _, _) = await client.GetImageAsync(ticket.Image("w=123"));
        var timing = miss.Headers.GetValues("Server-Timing").Single();
        // In order; the first new size of an original also makes its intermediate (photo-autumn is
        // 1200×750, smaller than the 1600-pixel intermediate, so it gets none).
        var stages = timing.Split(", ").Select(s => s.Split(';')[0]).ToList();
        Assert.Equal(["cache", "fetch", "inspect", "render", "store"], stages);
        Assert.Contains("cache;desc=miss", timing, StringComparison.Ordinal);
        Assert.All(timing.Split(", ").Skip(1), s => Assert.Matches(@"^[a-z]+;dur=\d+\.\d$", s));
        Assert.DoesNotContain("decode", timing, StringComparison.Ordinal);

        Assert.Contains(factory.Logs, l => l.Contains("w123-hauto-inside-q80.webp generated", StringComparison.Ordinal) && l.Contains("cache miss", StringComparison.Ordinal) && l.Contains("render", StringComparison.Ordinal));

        var (hit, _, _) = await client.GetImageAsync(ticket.Image("w=123"));
        // Served from storage: only the fetch.
        Assert.Matches(@"^cache;desc=hit, fetch;dur=\d+\.\d$", hit.Headers.GetValues("Server-Timing").Single());
    }
}
