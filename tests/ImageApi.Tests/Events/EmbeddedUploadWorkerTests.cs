using System.Diagnostics.Metrics;
using System.Net;
using ImageApi.Events;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests.Events;

/// <summary>The folder store's upload worker: parallel, bounded, and surviving a kill.</summary>
public sealed class EmbeddedUploadWorkerTests
{
    private static readonly Lazy<byte[]> Photo = new(() => GeneratedImages.LargePhoto(3200, 2000));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Upload_events_are_handled_up_to_the_configured_number_at_once(int workers)
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var client = factory.CreateClient();
        var meters = factory.Services.GetRequiredService<IMeterFactory>();
        var current = 0;
        var most = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's worker: other tests' hosts run in the same process.
            if (instrument.Name == SourceEventWorker.InProgressInstrument && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, change, _, _) =>
        {
            var now = Interlocked.Add(ref current, change);
            InterlockedMax(ref most, now);
        });
        listener.Start();

        var tickets = new List<Ticket>();
        for (var i = 0; i < 3 * workers + 2; i++)
        {
            tickets.Add(await client.UploadBytesAsync($"photo-{i}.jpg", "image/jpeg", Photo.Value));
        }

        foreach (var ticket in tickets)
        {
            await ApiClient.WaitForFileAsync(Path.Combine(factory.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(120));
        }

        Assert.Equal(workers, Volatile.Read(ref most));
    }

    [Fact]
    public async Task A_full_queue_never_holds_up_an_upload_and_every_default_rendition_is_still_made()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Workers"] = "1", ["Events:QueueCapacity"] = "1" });
        var client = factory.CreateClient();
        var tickets = new List<Ticket>();
        for (var i = 0; i < 6; i++)
        {
            tickets.Add(await client.UploadBytesAsync($"photo-{i}.jpg", "image/jpeg", Photo.Value));
        }

        foreach (var ticket in tickets)
        {
            await ApiClient.WaitForFileAsync(Path.Combine(factory.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(120));
        }

        await ApiClient.WaitForJournalEmptyAsync(factory.Root);
    }

    [Fact]
    public async Task Uploads_whose_default_rendition_was_not_made_before_a_kill_get_it_after_the_restart()
    {
        var root = Path.Combine(Path.GetTempPath(), "imageapi-restart-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Events:Workers"] = "1" };
        const int Uploads = 12;
        try
        {
            var keys = new List<string>();
            using (var first = await AppProcess.StartAsync(root, settings))
            {
                for (var i = 0; i < Uploads; i++)
                {
                    keys.Add((await first.Client.UploadBytesAsync($"photo-{i}.jpg", "image/jpeg", Photo.Value)).Key);
                }

                first.Kill();
            }

            var made = keys.Count(key => File.Exists(RecordOf(root, key)));
            Assert.True(made < Uploads, "the whole batch was rendered before the kill; the test needs a larger batch");
            Assert.True(Directory.GetFiles(Path.Combine(root, ".pending"), "*.json").Length >= Uploads - made);

            using var second = await AppProcess.StartAsync(root, settings);
            foreach (var key in keys)
            {
                await ApiClient.WaitForFileAsync(Path.GetDirectoryName(RecordOf(root, key))!, "_source.json", TimeSpan.FromSeconds(120));
            }

            await ApiClient.WaitForJournalEmptyAsync(root);
            foreach (var key in keys)
            {
                var rendition = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(RecordOf(root, key))!, "*.webp"));
                var decoded = Decoded.From(await File.ReadAllBytesAsync(rendition));
                Assert.Equal((800, 500), (decoded.Width, decoded.Height));
            }

            // Served from storage by the restarted process, not made again on request.
            var response = await second.Client.GetAsync($"/images/{keys[^1]}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static string RecordOf(string root, string key) => Path.Combine(root, "destination", "processed", key, "_source.json");

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
