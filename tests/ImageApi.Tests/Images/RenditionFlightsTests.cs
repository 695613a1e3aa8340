using ImageApi.Tests.Http;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>A request that missed a rendition in storage just before another request's flight stored it renders nothing.</summary>
public sealed class RenditionFlightsTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_request_reaching_the_flights_after_the_render_it_missed_reads_storage_again()
    {
        var calls = new StorageCalls();
        using var app = _factory.Counting(calls);
        var client = app.CreateClient();
        var ticket = await client.UploadAsync("photo-autumn.jpg", "image/jpeg");
        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(30));
        var before = _factory.RenditionsGenerated;
        var rendition = $"destination GET processed/{ticket.Key}/w640-hauto-inside.png";

        // The first request's storage read misses and is held there, before it reaches the flights.
        var missed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        calls.AfterGet = (call, found) =>
        {
            if (call != rendition || found || calls.Count(rendition) != 1)
            {
                return Task.CompletedTask;
            }

            missed.SetResult();
            return release.Task;
        };
        var late = client.GetImageAsync(ticket.Image("w=640&format=png"));
        await missed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Another request makes and stores it meanwhile; then the first one goes on.
        var first = await client.GetImageAsync(ticket.Image("w=640&format=png"));
        release.SetResult();
        var second = await late.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(before + 1, _factory.RenditionsGenerated);
        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(first.Response.Headers.ETag, second.Response.Headers.ETag);
        Assert.Equal(3, calls.Count(rendition)); // two misses, and the late request's read of what the other stored
    }
}
