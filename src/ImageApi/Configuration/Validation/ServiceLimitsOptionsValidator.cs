using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Limits:* that the host enforces (the cap, the intermediates' memory, the render timeout).</summary>
internal sealed class ServiceLimitsOptionsValidator : IValidateOptions<ServiceLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceLimitsOptions options)
    {
        var failures = new SettingFailures(ProcessingLimitsValidator.Section);
        failures.Require(options.MaxRenditionsPerOriginal >= 0, "MaxRenditionsPerOriginal", $"must be 0 (no limit) or more (was {options.MaxRenditionsPerOriginal})");
        failures.Require(options.IntermediateCacheMegabytes is >= 0 and <= 65536, "IntermediateCacheMegabytes", $"must be from 0 (none kept) to 65536 (was {options.IntermediateCacheMegabytes})");
        failures.Require(options.RenderTimeout > TimeSpan.Zero && options.RenderTimeout <= TimeSpan.FromMinutes(15), "RenderTimeout", $"must be from 00:00:00.001 to 00:15:00 (was {options.RenderTimeout})");
        return failures.Result;
    }
}
