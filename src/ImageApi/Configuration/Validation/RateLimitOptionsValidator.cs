using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>RateLimits:*.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new SettingFailures(RateLimitOptions.Section);
        failures.Require(options.UploadsPerMinute >= 0, "UploadsPerMinute", $"must be 0 (no limit) or more (was {options.UploadsPerMinute})");
        failures.Require(options.RenditionsPerMinute >= 0, "RenditionsPerMinute", $"must be 0 (no limit) or more (was {options.RenditionsPerMinute})");
        return failures.Result;
    }
}
