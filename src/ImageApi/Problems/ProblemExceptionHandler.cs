using ImageApi.Processing.Limits;
using ImageApi.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace ImageApi.Problems;

/// <summary>
/// Turns the service's known failures into problem+json with their statuses, so endpoints stay
/// free of try/catch. Anything unknown falls through to the framework's 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (ProblemTypes.For(exception) is not { } problem)
        {
            return false;
        }

        switch (exception)
        {
            case StorageUnavailableException unavailable:
                LogStorageUnavailable(logger, unavailable.Store, context.Request.Path, unavailable);
                ProblemTypes.SetRetryAfter(context.Response, ProblemTypes.RetryAfter503);
                break;
            case DecodeBudgetExhaustedException or Images.WatermarkUnavailableException:
                ProblemTypes.SetRetryAfter(context.Response, ProblemTypes.RetryAfter503);
                break;
            case TimeoutException timeout:
                LogTimeout(logger, context.Request.Path, timeout.Message);
                ProblemTypes.SetRetryAfter(context.Response, ProblemTypes.RetryAfter503);
                break;
            case Security.RateLimitedException limited:
                ProblemTypes.SetRetryAfter(context.Response, limited.RetryAfter);
                break;
            case ImageRejectedException rejected:
                LogRejected(logger, context.Request.Path, rejected.GetType().Name, rejected.Message, rejected.InnerException?.Message.ReplaceLineEndings(" ") ?? "");
                break;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage {Store} unavailable while serving {Path}")]
    private static partial void LogStorageUnavailable(ILogger logger, string store, PathString path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rendering for {Path} was stopped: {Detail}")]
    private static partial void LogTimeout(ILogger logger, PathString path, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Path}: {Reason}: {Detail} {Cause}")]
    private static partial void LogRejected(ILogger logger, PathString path, string reason, string detail, string cause);
}
