using ImageApi.Images;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Http;
using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests.Images;

/// <summary>
/// A page asks for its image's srcset widths at once: requests for one original that arrive while a read
/// of its HEAD or its record is under way share that read. Upload events never join one.
/// </summary>
public sealed class SharedReadsTests : IAsyncLifetime, IDisposable
{
    private static readonly int[] Widths = [320, 640, 960, 1280];
    private readonly ImageApiFactory _uploader = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });
    private readonly StorageCalls _calls = new();
    private ImageApiFactory _instance = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _key = (await _uploader.CreateClient().UploadAsync("photo-cups.jpg", "image/jpeg")).Key;
        await ApiClient.WaitForFileAsync(Path.Combine(_uploader.DestinationRoot, "processed"), "_source.json", TimeSpan.FromSeconds(30));
        await ApiClient.WaitForJournalEmptyAsync(_uploader.Root);
        // Another instance on the same storage, which knows nothing of the original yet.
        _instance = new ImageApiFactory(new Dictionary<string, string?> { ["Storage:FileRoot"] = _uploader.Root, ["RateLimits:RenditionsPerMinute"] = "0" });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _instance?.Dispose(); // null when InitializeAsync failed
        _uploader.Dispose();
    }

    private SourceKey Source => SourceKey.Parse(_key);

    private string Head => $"source HEAD {_key}";

    private string RecordGet => $"destination GET {SourceRecords.KeyFor(Source)}";

    [Fact]
    public async Task Four_first_sizes_arriving_during_the_originals_head_make_one_head()
    {
        var (app, headHeld) = Holding(call => call == Head);
        using var _ = app;
        var renditions = app.Services.GetRequiredService<RenditionService>();
        var parser = app.Services.GetRequiredService<TransformParser>();

        // Each call joins the HEAD before it returns: the first one's is held, so all four are waiting on it.
        var requests = Widths.Select(w => renditions.GetAsync(Source, parser.Parse([new("w", $"{w}"), new("format", "webp")]).Request,
            FormatSupport.None, () => "client", CancellationToken.None)).ToArray();
        await WaitUntil(() => _calls.Count(Head) == 1);
        headHeld.SetResult();
        var made = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, _calls.Count(Head));
        Assert.All(made, r => Assert.True(r.Generated));
        Assert.Equal(Widths.Select(w => $"w{w}"), made.Select(r => r.Key.Value.Split('/')[^1].Split('-')[0]));
        foreach (var rendition in made)
        {
            await rendition.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reads_of_one_record_under_way_together_are_one_read_and_a_later_read_is_its_own()
    {
        var (app, held) = Holding(call => call == RecordGet);
        using var _ = app;
        var records = app.Services.GetRequiredService<SourceRecords>();

        var together = Enumerable.Range(0, 4).Select(_ => records.ReadSharedAsync(Source, CancellationToken.None)).ToArray();
        await WaitUntil(() => _calls.Count(RecordGet) == 1);
        held.SetResult();
        var read = await Task.WhenAll(together).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _calls.Count(RecordGet));
        Assert.All(read, r => Assert.Equal(read[0], r));
        Assert.NotNull(read[0]);

        // Not a cache: once the shared read is over, the next one reads what storage holds then.
        await records.WriteAsync(Source, read[0]! with { FocalPoint = "0.25,0.75" }, CancellationToken.None);
        Assert.Equal("0.25,0.75", (await records.ReadSharedAsync(Source, CancellationToken.None))?.FocalPoint);
        Assert.Equal(2, _calls.Count(RecordGet));
    }

    [Fact]
    public async Task A_read_that_must_see_earlier_writes_never_joins_one_under_way()
    {
        var (app, held) = Holding(call => call == RecordGet && _calls.Count(RecordGet) == 1);
        using var _ = app;
        var records = app.Services.GetRequiredService<SourceRecords>();

        var shared = records.ReadSharedAsync(Source, CancellationToken.None);
        await WaitUntil(() => _calls.Count(RecordGet) == 1);
        Assert.NotNull(await records.ReadAsync(Source, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, _calls.Count(RecordGet));
        held.SetResult();
        Assert.NotNull(await shared);
    }

    [Fact]
    public async Task A_caller_that_gives_up_leaves_the_shared_head_to_the_others()
    {
        var (app, held) = Holding(call => call == Head);
        using var _ = app;
        var originals = app.Services.GetRequiredService<Originals>();
        using var leaving = new CancellationTokenSource();

        var gone = originals.HeadAsync(Source, leaving.Token);
        var staying = originals.HeadAsync(Source, CancellationToken.None);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone.WaitAsync(TimeSpan.FromSeconds(30)));
        held.SetResult();
        Assert.Equal((await staying).Key, _key);
        Assert.Equal(1, _calls.Count(Head));
    }

    /// <summary>The instance with its storage calls counted; the reads <paramref name="hold"/> picks wait until the gate opens.</summary>
    private (WebApplicationFactory<Program> App, TaskCompletionSource Gate) Holding(Func<string, bool> hold)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls.BeforeRead = call => hold(call) ? gate.Task : Task.CompletedTask;
        return (_instance.Counting(_calls), gate);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !condition(); await Task.Delay(5))
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
        }
    }
}
