using System.Threading.RateLimiting;
using ImageApi.Configuration;
using ImageApi.Problems;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// Per-client fixed windows of one minute, from ASP.NET Core's rate limiter: on <c>POST /uploads</c>
/// through the middleware, and on rendition <em>generation</em> through <see cref="RenditionRateLimiter"/>,
/// because serving stored renditions costs nothing worth limiting.
/// </summary>
internal static class RateLimiting
{
    public const string UploadsPolicy = "uploads";

    public static IServiceCollection AddImageApiRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<RenditionRateLimiter>();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(UploadsPolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.UploadsPerMinute;
                return perMinute == 0
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => PerMinute(perMinute));
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await WriteTooManyRequestsAsync(context.HttpContext, retryAfter, "Too many upload requests from this address; try again later.");
            };
        });
        return services;
    }

    public static FixedWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static async Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        ProblemTypes.SetRetryAfter(context.Response, retryAfter);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = ProblemTypes.Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "Too many requests", detail),
        });
    }
}

/// <summary>Limits how many new renditions each client may cause per minute.</summary>
public sealed class RenditionRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        options.Value.RenditionsPerMinute == 0
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetFixedWindowLimiter(client, _ => RateLimiting.PerMinute(options.Value.RenditionsPerMinute)));

    /// <exception cref="RateLimitedException">The client has used up its renditions for now.</exception>
    public void Acquire(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (!lease.IsAcquired)
        {
            throw new RateLimitedException(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1));
        }
    }

    public void Dispose() => _limiter.Dispose();
}

public sealed class RateLimitedException(TimeSpan retryAfter)
    : Exception("Too many new renditions requested from this address; stored renditions are still served. Try again later.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
