using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Generation of one rendition at a time per name, for requests and uploads alike: concurrent callers
/// share one render, which stops when every caller has gone or when it runs past <c>Limits:RenderTimeout</c>.
/// </summary>
public sealed class RenditionFlights(IOptions<ServiceLimitsOptions> limits)
{
    private readonly SingleFlight<GeneratedRendition> _flights = new();

    /// <exception cref="TimeoutException">The render ran longer than the timeout.</exception>
    public Task<GeneratedRendition> RunAsync(RenditionKey key, Func<CancellationToken, Task<GeneratedRendition>> work, CancellationToken cancellationToken) =>
        _flights.RunAsync(key.Value, work, limits.Value.RenderTimeout, cancellationToken);
}

/// <summary>A rendition just made and stored: its bytes, ETag and what each stage cost.</summary>
public sealed record GeneratedRendition(byte[] Content, string ETag, IReadOnlyList<StageTiming> Timings, Processing.Pipeline.SourceImageInfo? Source);
