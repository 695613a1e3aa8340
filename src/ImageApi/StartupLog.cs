using ImageApi.Configuration;
using ImageApi.Storage;
using ImageApi.Uploads;
using Microsoft.Extensions.Options;

namespace ImageApi;

internal static partial class StartupLog
{
    /// <summary>Says once, at start, what the service runs on and what it allows.</summary>
    public static void LogStartup(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ImageApi");
        var stores = app.Services.GetRequiredService<ObjectStores>();
        var uploads = app.Services.GetRequiredService<IOptions<UploadOptions>>().Value;
        if (stores.Source is FileObjectStore source && stores.Destination is FileObjectStore destination)
        {
            LogFileStorage(logger, source.Root, destination.Root);
        }

        LogUploads(logger, uploads.MaxBytes, string.Join(", ", uploads.AllowedContentTypes), uploads.UrlExpiry);
        if (app.Services.GetRequiredService<EmbeddedUploadSigner>().UsesRandomKey)
        {
            LogRandomSigningKey(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: local folders, originals in {SourceRoot}, renditions in {DestinationRoot}")]
    private static partial void LogFileStorage(ILogger logger, string sourceRoot, string destinationRoot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploads: anonymous, up to {MaxBytes} bytes of {ContentTypes}, URLs valid for {Expiry}")]
    private static partial void LogUploads(ILogger logger, long maxBytes, string contentTypes, TimeSpan expiry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uploads:SigningKey is not set: upload URLs are signed with a random key and stop working when the process restarts")]
    private static partial void LogRandomSigningKey(ILogger logger);
}
