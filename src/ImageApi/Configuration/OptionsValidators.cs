using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration;

/// <summary>
/// Start-up checks for every setting. Each failure names the setting as it is written in
/// appsettings.json (and, with <c>__</c> for <c>:</c>, as an environment variable).
/// </summary>
/// <remarks>
/// <paramref name="services"/> is read only while validating (the watermark is checked with the
/// pipeline's loaders and limits, presets with the request parser), never in the constructor: options
/// of other types are resolved after this validator exists.
/// </remarks>
internal sealed class OptionsValidators(IHostEnvironment environment, IServiceProvider services) :
    IValidateOptions<WatermarkOptions>,
    IValidateOptions<PresetOptions>,
    IValidateOptions<TelemetryOptions>,
    IValidateOptions<PipelineOptions>,
    IValidateOptions<SigningOptions>,
    IValidateOptions<RateLimitOptions>,
    IValidateOptions<ServiceLimitsOptions>,
    IValidateOptions<StorageOptions>,
    IValidateOptions<UploadOptions>,
    IValidateOptions<DeliveryOptions>,
    IValidateOptions<EventsOptions>,
    IValidateOptions<RenditionDefaults>,
    IValidateOptions<ProcessingLimits>
{
    public const string RenditionsSection = "Renditions";
    public const string LimitsSection = "Limits";
    public const string PipelineSection = "Pipeline";

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new Failures(TelemetryOptions.Section);
        failures.Require(Enum.IsDefined(options.Exporter), "Exporter", "must be None, Console or Otlp");
        failures.Require(
            options.Exporter != MetricsExporter.Otlp || IsHttpUrl(options.OtlpEndpoint),
            "OtlpEndpoint",
            $"must be the collector's http(s) URL when Telemetry:Exporter is Otlp (was '{options.OtlpEndpoint}')");
        failures.Require(options.ExportInterval >= TimeSpan.FromMilliseconds(100) && options.ExportInterval <= TimeSpan.FromHours(1), "ExportInterval", $"must be from 00:00:00.1 to 01:00:00 (was {options.ExportInterval})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, WatermarkOptions options)
    {
        var failures = new Failures(WatermarkOptions.Section);
        failures.Require(WatermarkPlacements.Find(options.Gravity) is not null, "Gravity", $"must be one of {WatermarkPlacements.Names} (was '{options.Gravity}')");
        foreach (var (setting, problem) in options.Settings.Problems().Where(p => p.Setting != nameof(options.Gravity)))
        {
            failures.Require(false, setting, problem);
        }

        failures.Require(options.KeyPrefixes.All(p => p.Length > 0 && !p.StartsWith('/')), "KeyPrefixes", $"must each be the start of a source key, such as uploads/ (without a leading '/'; was {string.Join(", ", options.KeyPrefixes.Select(p => $"'{p}'"))})");
        failures.Require(options.RefreshInterval >= TimeSpan.Zero && options.RefreshInterval <= TimeSpan.FromDays(1), "RefreshInterval", $"must be from 00:00:00 to 1.00:00:00 (was {options.RefreshInterval})");
        if (!options.Enabled || !failures.Passed)
        {
            return failures.Result;
        }

        if (options.IsS3)
        {
            var (bucket, key) = options.S3Location;
            failures.Require(IsBucketName(bucket) && key.Length > 0, "Image", $"must be s3://<bucket>/<key> with a bucket name (3-63 lower-case letters, digits, '.', '-') and a key (was '{options.Image}')");
            return failures.Result;
        }

        var path = Images.WatermarkSource.PathOf(options, environment);
        try
        {
            Images.WatermarkSource.LoadFile(path, options.Settings, services.GetRequiredService<ImagePipeline>());
        }
        catch (Processing.Watermarks.InvalidWatermarkException ex)
        {
            failures.Require(false, "Image", $"{ex.Problem.TrimEnd('.')} (was '{options.Image}', which is {path}); it must be a PNG or WebP with alpha, or s3://<bucket>/<key>");
        }

        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, PresetOptions options)
    {
        var failures = new Failures(PresetOptions.Section);
        foreach (var problem in options.Problems)
        {
            failures.Fail(problem);
        }

        try
        {
            TransformPresets.Parse(options.Definitions, services.GetRequiredService<IOptions<RenditionDefaults>>().Value);
        }
        catch (InvalidPresetException ex)
        {
            failures.Fail(ex.Message);
        }

        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new Failures(PipelineSection);
        failures.Require(options.Parallelism is >= 1 and <= 64, "Parallelism", $"must be from 1 to 64 (was {options.Parallelism})");
        failures.Require(options.WebpEffort is >= 0 and <= 6, "WebpEffort", $"must be from 0 to 6 (was {options.WebpEffort})");
        failures.Require(options.AvifEffort is >= 0 and <= 9, "AvifEffort", $"must be from 0 to 9 (was {options.AvifEffort})");
        failures.Require(options.IntermediateMaxDimension == 0 || options.IntermediateMaxDimension is >= 256 and <= 8192, "IntermediateMaxDimension", $"must be 0 (none) or from 256 to 8192 (was {options.IntermediateMaxDimension})");
        failures.Require(options.IntermediateQuality is >= 50 and <= 100, "IntermediateQuality", $"must be from 50 to 100 (was {options.IntermediateQuality})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new Failures(StorageOptions.Section);
        failures.Require(Enum.IsDefined(options.Provider), "Provider", "must be File or S3");
        failures.Require(!string.IsNullOrWhiteSpace(options.FileRoot), "FileRoot", "must name a folder");
        if (options.Provider == StorageProvider.File && !string.IsNullOrWhiteSpace(options.FileRoot))
        {
            var root = Path.GetFullPath(options.RootIn(environment));
            failures.Require(!IsSystemFolder(root), "FileRoot", $"must be a folder of its own, not the file system's root or a system folder (was '{options.FileRoot}', which is {root})");
        }
        if (options.Provider == StorageProvider.S3)
        {
            var s3 = options.S3;
            failures.Require(IsBucketName(s3.SourceBucket), "S3:SourceBucket", $"must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-'), required when Storage:Provider is S3 (was '{s3.SourceBucket}')");
            failures.Require(IsBucketName(s3.DestinationBucket), "S3:DestinationBucket", $"must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-'), required when Storage:Provider is S3 (was '{s3.DestinationBucket}')");
            failures.Require(s3.SourceBucket != s3.DestinationBucket, "S3:DestinationBucket", "must differ from Storage:S3:SourceBucket, or renditions would fire upload events");
            failures.Require(
                string.IsNullOrEmpty(s3.ServiceUrl) || IsHttpUrl(s3.ServiceUrl),
                "S3:ServiceUrl",
                $"must be an absolute http(s) URL or empty for AWS (was '{s3.ServiceUrl}')");
            failures.Require(s3.Timeout > TimeSpan.Zero && s3.Timeout <= TimeSpan.FromMinutes(5), "S3:Timeout", $"must be from 00:00:00.001 to 00:05:00 (was {s3.Timeout})");
            failures.Require(s3.MaxRetries is >= 0 and <= 10, "S3:MaxRetries", $"must be from 0 to 10 (was {s3.MaxRetries})");
        }

        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        var failures = new Failures(UploadOptions.Section);
        failures.Require(options.MaxBytes >= 1, "MaxBytes", $"must be at least 1 (was {options.MaxBytes})");
        foreach (var origin in options.AllowedOrigins)
        {
            failures.Require(
                origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.GetLeftPart(UriPartial.Authority) == origin),
                "AllowedOrigins",
                $"must each be * or an origin like https://www.example.com, without a path or a trailing slash (had '{origin}')");
        }

        failures.Require(options.UrlExpiry >= TimeSpan.FromSeconds(10) && options.UrlExpiry <= TimeSpan.FromDays(7), "UrlExpiry", $"must be from 00:00:10 to 7.00:00:00 (was {options.UrlExpiry})");
        foreach (var type in options.AllowedContentTypes)
        {
            failures.Require(UploadOptions.DefaultContentTypes.Contains(type), "AllowedContentTypes", $"may only hold {string.Join(", ", UploadOptions.DefaultContentTypes)} (had '{type}')");
        }

        failures.Require(
            options.KeyPrefix.Length > 0 && options.KeyPrefix.EndsWith('/') && Processing.Naming.SourceKey.TryParse(options.KeyPrefix + "x", out _, out _),
            "KeyPrefix",
            $"must be a key prefix ending in '/' (was '{options.KeyPrefix}')");
        failures.Require(string.IsNullOrEmpty(options.SigningKey) || IsStrongKey(options.SigningKey), "SigningKey", $"must be at least 32 characters ({StrongKeyRule}), or empty for a random key per process");
        failures.Require(options.ApiKeys.All(IsStrongKey), "ApiKeys", $"must each be at least 32 characters ({StrongKeyRule})");
        var jwt = options.Jwt;
        failures.Require(
            string.IsNullOrEmpty(jwt.Authority) || IsHttpUrl(jwt.Authority),
            "Jwt:Authority",
            $"must be the issuer's absolute URL (was '{jwt.Authority}')");
        failures.Require(string.IsNullOrEmpty(jwt.Authority) || !string.IsNullOrEmpty(jwt.Audience), "Jwt:Audience", "is required with Uploads:Jwt:Authority");
        failures.Require(
            options.AllowAnonymous || options.ApiKeys.Count > 0 || !string.IsNullOrEmpty(jwt.Authority),
            "AllowAnonymous",
            "is false and no way to authenticate uploads is configured: set Uploads:ApiKeys or Uploads:Jwt:Authority, or Uploads:AllowAnonymous to true");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, SigningOptions options)
    {
        var failures = new Failures(SigningOptions.Section);
        failures.Require(!options.Required || options.Keys.Count > 0, "Keys", "must hold at least one key when Signing:Required is true");
        failures.Require(options.Keys.All(IsStrongKey), "Keys", $"must each be at least 32 characters ({StrongKeyRule})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new Failures(RateLimitOptions.Section);
        failures.Require(options.UploadsPerMinute >= 0, "UploadsPerMinute", $"must be 0 (no limit) or more (was {options.UploadsPerMinute})");
        failures.Require(options.RenditionsPerMinute >= 0, "RenditionsPerMinute", $"must be 0 (no limit) or more (was {options.RenditionsPerMinute})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, ServiceLimitsOptions options)
    {
        var failures = new Failures(LimitsSection);
        failures.Require(options.MaxRenditionsPerOriginal >= 0, "MaxRenditionsPerOriginal", $"must be 0 (no limit) or more (was {options.MaxRenditionsPerOriginal})");
        failures.Require(options.IntermediateCacheMegabytes is >= 0 and <= 65536, "IntermediateCacheMegabytes", $"must be from 0 (none kept) to 65536 (was {options.IntermediateCacheMegabytes})");
        failures.Require(options.RenderTimeout > TimeSpan.Zero && options.RenderTimeout <= TimeSpan.FromMinutes(15), "RenderTimeout", $"must be from 00:00:00.001 to 00:15:00 (was {options.RenderTimeout})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new Failures(DeliveryOptions.Section);
        failures.Require(options.CacheMaxAgeSeconds >= 0, "CacheMaxAgeSeconds", $"must be 0 or more (was {options.CacheMaxAgeSeconds})");
        failures.Require(options.RedirectAboveBytes >= 0, "RedirectAboveBytes", $"must be 0 (never) or more (was {options.RedirectAboveBytes})");
        failures.Require(options.AutoAvifMaxPixels >= 0, "AutoAvifMaxPixels", $"must be 0 (never AVIF for format=auto) or more (was {options.AutoAvifMaxPixels})");
        failures.Require(options.RedirectUrlExpiry >= TimeSpan.FromSeconds(10) && options.RedirectUrlExpiry <= TimeSpan.FromDays(7), "RedirectUrlExpiry", $"must be from 00:00:10 to 7.00:00:00 (was {options.RedirectUrlExpiry})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, EventsOptions options)
    {
        var failures = new Failures(EventsOptions.Section);
        failures.Require(options.Workers is null or (>= 1 and <= 256), "Workers", $"must be from 1 to 256, or unset for the number of cores (was {options.Workers})");
        failures.Require(options.QueueCapacity is >= 1 and <= 1_000_000, "QueueCapacity", $"must be from 1 to 1000000 (was {options.QueueCapacity})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, RenditionDefaults options)
    {
        var failures = new Failures(RenditionsSection);
        failures.Require(options.MaxWidth is >= 1 and <= 16384, "MaxWidth", $"must be from 1 to 16384 (was {options.MaxWidth})");
        failures.Require(options.MaxHeight is >= 1 and <= 16384, "MaxHeight", $"must be from 1 to 16384 (was {options.MaxHeight})");
        failures.Require(options.Width >= 1 && options.Width <= options.MaxWidth, "Width", $"must be from 1 to Renditions:MaxWidth ({options.MaxWidth}) (was {options.Width})");
        failures.Require(options.Height >= 1 && options.Height <= options.MaxHeight, "Height", $"must be from 1 to Renditions:MaxHeight ({options.MaxHeight}) (was {options.Height})");
        failures.Require(options.Quality is >= 1 and <= 100, "Quality", $"must be from 1 to 100 (was {options.Quality})");
        failures.Require(Enum.IsDefined(options.Fit), "Fit", "must be Inside, Cover, Contain or Fill");
        failures.Require(Processing.Formats.OutputFormats.Find(options.Format) is not null, "Format", $"must be one of {string.Join(", ", Processing.Formats.OutputFormats.All.Select(f => f.Name))} (was '{options.Format}')");
        failures.Require(options.AllowedWidths.All(w => w >= 1 && w <= options.MaxWidth), "AllowedWidths", $"must each be from 1 to Renditions:MaxWidth ({options.MaxWidth})");
        failures.Require(options.AllowedHeights.All(h => h >= 1 && h <= options.MaxHeight), "AllowedHeights", $"must each be from 1 to Renditions:MaxHeight ({options.MaxHeight})");
        failures.Require(options.AllowedQualities.All(q => q is >= 1 and <= 100), "AllowedQualities", "must each be from 1 to 100");
        var formats = Processing.Formats.OutputFormats.All.Select(f => f.Name).Append(Processing.Transforms.TransformParameters.AutoFormat).ToList();
        failures.Require(options.AllowedFormats.All(f => formats.Contains(f, StringComparer.Ordinal)), "AllowedFormats", $"must each be one of {string.Join(", ", formats)} (was {string.Join(", ", options.AllowedFormats)})");
        return failures.Result;
    }

    public ValidateOptionsResult Validate(string? name, ProcessingLimits options)
    {
        var failures = new Failures(LimitsSection);
        failures.Require(options.MaxSourceBytes >= 1, "MaxSourceBytes", $"must be at least 1 (was {options.MaxSourceBytes})");
        failures.Require(options.MaxSourcePixels >= 1, "MaxSourcePixels", $"must be at least 1 (was {options.MaxSourcePixels})");
        failures.Require(options.MaxFrames >= 1, "MaxFrames", $"must be at least 1 (was {options.MaxFrames})");
        failures.Require(options.MaxJpegScans >= 1, "MaxJpegScans", $"must be at least 1 (was {options.MaxJpegScans})");
        failures.Require(options.MaxDecodedMegabytes is >= 1 and <= 16384, "MaxDecodedMegabytes", $"must be from 1 to 16384 (was {options.MaxDecodedMegabytes})");
        failures.Require(options.DecodeBudgetMegabytes >= options.MaxDecodedMegabytes && options.DecodeBudgetMegabytes <= 65536, "DecodeBudgetMegabytes", $"must be from Limits:MaxDecodedMegabytes ({options.MaxDecodedMegabytes}) to 65536, so one image alone always fits (was {options.DecodeBudgetMegabytes})");
        failures.Require(options.DecodeBudgetWait >= TimeSpan.Zero && options.DecodeBudgetWait <= TimeSpan.FromMinutes(1), "DecodeBudgetWait", $"must be from 00:00:00 to 00:01:00 (was {options.DecodeBudgetWait})");
        return failures.Result;
    }

    /// <summary>The rule every secret key follows, in words; the README's Security section and the SAM template's AllowedPattern say the same.</summary>
    public const string StrongKeyRule = "printable ASCII without spaces, at least 10 different characters";

    /// <summary>
    /// A key with real entropy, roughly: 32 or more printable ASCII characters, no spaces, at least 10 of
    /// them different. Refuses 32 spaces, 32 × 'a' and "abcabc…"; accepts what <c>openssl rand -base64 32</c>
    /// or <c>-hex 32</c> prints.
    /// </summary>
    public static bool IsStrongKey(string key) =>
        key.Length >= 32 && key.All(c => c is > ' ' and <= '~') && key.Distinct().Count() >= 10;

    // Folders the store must never write into or serve from (they hold the system, or other users' files).
    private static readonly string[] SystemFolders =
        ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr"];

    // Folders fine to hold a data folder, but not to be one.
    private static readonly string[] SharedFolders = ["/home", "/media", "/mnt", "/opt", "/root", "/run", "/srv", "/tmp", "/var"];

    private static bool IsSystemFolder(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(path);
        if (full.Length == 0 || Path.GetPathRoot(path) is { } root && string.Equals(Path.TrimEndingDirectorySeparator(root), full, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        bool Within(string folder) => folder.Length > 0
            && (string.Equals(full, folder, comparison) || full.StartsWith(folder + Path.DirectorySeparatorChar, comparison));
        if (OperatingSystem.IsWindows())
        {
            string Folder(Environment.SpecialFolder folder) => Path.TrimEndingDirectorySeparator(Environment.GetFolderPath(folder));
            string[] system = [Folder(Environment.SpecialFolder.Windows), Folder(Environment.SpecialFolder.ProgramFiles), Folder(Environment.SpecialFolder.ProgramFilesX86)];
            string[] shared = [Folder(Environment.SpecialFolder.UserProfile), Folder(Environment.SpecialFolder.CommonApplicationData)];
            return system.Any(Within) || shared.Any(f => f.Length > 0 && string.Equals(full, f, comparison));
        }

        return SystemFolders.Any(Within) || SharedFolders.Any(f => string.Equals(full, f, comparison));
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    private sealed class Failures(string section)
    {
        private readonly List<string> _messages = [];

        public ValidateOptionsResult Result => _messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_messages);

        public bool Passed => _messages.Count == 0;

        /// <summary>A message that names its setting itself.</summary>
        public void Fail(string message) => _messages.Add(message);

        public void Require(bool condition, string setting, string message)
        {
            if (!condition)
            {
                _messages.Add($"{section}:{setting} {message}.");
            }
        }
    }
}
