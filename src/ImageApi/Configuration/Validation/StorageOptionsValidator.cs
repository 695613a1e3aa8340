using Microsoft.Extensions.Options;
using static ImageApi.Configuration.Validation.ConfigurationRules;

namespace ImageApi.Configuration.Validation;

/// <summary>Storage:* — the folder (never a system folder) or the buckets.</summary>
internal sealed class StorageOptionsValidator(IHostEnvironment environment) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new SettingFailures(StorageOptions.Section);
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
}
