using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Watermarks;
using Microsoft.Extensions.Options;
using static ImageApi.Configuration.Validation.ConfigurationRules;

namespace ImageApi.Configuration.Validation;

/// <summary>Watermarks:* — a file mark is loaded now, through the pipeline's loaders and limits, so a bad one stops the start-up.</summary>
/// <remarks>
/// <c>services</c> is read only while validating, never in the constructor: options of other types are
/// resolved after this validator exists.
/// </remarks>
internal sealed class WatermarkOptionsValidator(IHostEnvironment environment, IServiceProvider services) : IValidateOptions<WatermarkOptions>
{
    public ValidateOptionsResult Validate(string? name, WatermarkOptions options)
    {
        var failures = new SettingFailures(WatermarkOptions.Section);
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
}
