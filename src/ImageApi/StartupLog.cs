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

        // Made now, not on the first request: libvips is loaded and locked down (loaders blocked, cache
        // off) before the service takes any traffic, and a missing native library stops the start-up.
        var pipeline = app.Services.GetRequiredService<Processing.Pipeline.ImagePipeline>();
        LogEngine(logger, Processing.Engine.VipsEngine.Version, string.Join(", ", Processing.Engine.VipsEngine.AllowedLoaders), pipeline.Budget.Megabytes,
            app.Services.GetRequiredService<Images.DecodedIntermediates>().Capacity / (1024 * 1024));
        var stores = app.Services.GetRequiredService<ObjectStores>();
        var uploads = app.Services.GetRequiredService<IOptions<UploadOptions>>().Value;
        if (stores.Source is FileObjectStore source && stores.Destination is FileObjectStore destination)
        {
            LogFileStorage(logger, source.Root, destination.Root);
        }

        LogUploads(logger, uploads.MaxBytes, string.Join(", ", uploads.AllowedContentTypes), uploads.UrlExpiry);
        if (uploads.AllowAnonymous)
        {
            LogAnonymousUploads(logger);
        }
        else
        {
            LogUploadAuthentication(logger, uploads.ApiKeys.Count, string.IsNullOrEmpty(uploads.Jwt.Authority) ? "none" : uploads.Jwt.Authority);
        }

        var marks = app.Services.GetRequiredService<IOptions<WatermarkOptions>>().Value;
        if (marks.Enabled)
        {
            // A file mark is loaded now, so its fingerprint is in the log; an s3:// one on first use.
            var fingerprint = marks.IsS3 ? "read on first use" : app.Services.GetRequiredService<Images.WatermarkSource>().CurrentAsync(default).GetAwaiter().GetResult()!.Fingerprint;
            LogWatermark(logger, marks.Image, marks.Gravity, marks.Scale, marks.Opacity, marks.MinWidth,
                marks.KeyPrefixes.Count == 0 ? "every original" : string.Join(", ", marks.KeyPrefixes), fingerprint);
        }

        var presets = app.Services.GetRequiredService<Processing.Transforms.TransformPresets>();
        LogPresets(logger, presets.Names, app.Services.GetRequiredService<IOptions<PresetOptions>>().Value.Only);

        var signing = app.Services.GetRequiredService<IOptions<SigningOptions>>().Value;
        LogSigning(logger, signing.Required, signing.Keys.Count);
        // Only the embedded mode signs upload URLs itself; S3 tickets are presigned by S3's credentials.
        if (app.Services.GetRequiredService<IUploadTargetSigner>() is EmbeddedUploadSigner { UsesRandomKey: true })
        {
            LogRandomSigningKey(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine: libvips {Version}; loaders allowed: {Loaders} (every other one blocked); decode budget {BudgetMegabytes} MB; intermediates' pixels held up to {HeldMegabytes} MB")]
    private static partial void LogEngine(ILogger logger, string version, string loaders, int budgetMegabytes, long heldMegabytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: local folders, originals in {SourceRoot}, renditions in {DestinationRoot}")]
    private static partial void LogFileStorage(ILogger logger, string sourceRoot, string destinationRoot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploads: up to {MaxBytes} bytes of {ContentTypes}, URLs valid for {Expiry}")]
    private static partial void LogUploads(ILogger logger, long maxBytes, string contentTypes, TimeSpan expiry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uploads are anonymous (Uploads:AllowAnonymous is true): anyone who can reach POST /uploads may upload. Set Uploads:ApiKeys or Uploads:Jwt for production")]
    private static partial void LogAnonymousUploads(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploads need credentials: {ApiKeys} API keys, JWT issuer {Issuer}")]
    private static partial void LogUploadAuthentication(ILogger logger, int apiKeys, string issuer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed transform URLs required: {Required} ({Keys} keys)")]
    private static partial void LogSigning(ILogger logger, bool required, int keys);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watermark: {Image} at {Gravity}, {Scale} of the width, opacity {Opacity}, outputs from {MinWidth} px, covering {Prefixes}; fingerprint {Fingerprint}")]
    private static partial void LogWatermark(ILogger logger, string image, string gravity, double scale, double opacity, int minWidth, string prefixes, string fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Presets: {Presets}; presets only: {Only}")]
    private static partial void LogPresets(ILogger logger, string presets, bool only);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uploads:SigningKey is not set: upload URLs are signed with a random key and stop working when the process restarts")]
    private static partial void LogRandomSigningKey(ILogger logger);
}
