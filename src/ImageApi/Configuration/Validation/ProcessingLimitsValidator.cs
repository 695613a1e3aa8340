using ImageApi.Processing.Limits;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Limits:* that the pipeline enforces (bytes, pixels, memory, frames, scans, the decode budget).</summary>
internal sealed class ProcessingLimitsValidator : IValidateOptions<ProcessingLimits>
{
    public const string Section = "Limits";

    public ValidateOptionsResult Validate(string? name, ProcessingLimits options)
    {
        var failures = new SettingFailures(Section);
        failures.Require(options.MaxSourceBytes >= 1, "MaxSourceBytes", $"must be at least 1 (was {options.MaxSourceBytes})");
        failures.Require(options.MaxSourcePixels >= 1, "MaxSourcePixels", $"must be at least 1 (was {options.MaxSourcePixels})");
        failures.Require(options.MaxFrames >= 1, "MaxFrames", $"must be at least 1 (was {options.MaxFrames})");
        failures.Require(options.MaxJpegScans >= 1, "MaxJpegScans", $"must be at least 1 (was {options.MaxJpegScans})");
        failures.Require(options.MaxDecodedMegabytes is >= 1 and <= 16384, "MaxDecodedMegabytes", $"must be from 1 to 16384 (was {options.MaxDecodedMegabytes})");
        failures.Require(options.DecodeBudgetMegabytes >= options.MaxDecodedMegabytes && options.DecodeBudgetMegabytes <= 65536, "DecodeBudgetMegabytes", $"must be from Limits:MaxDecodedMegabytes ({options.MaxDecodedMegabytes}) to 65536, so one image alone always fits (was {options.DecodeBudgetMegabytes})");
        failures.Require(options.DecodeBudgetWait >= TimeSpan.Zero && options.DecodeBudgetWait <= TimeSpan.FromMinutes(1), "DecodeBudgetWait", $"must be from 00:00:00 to 00:01:00 (was {options.DecodeBudgetWait})");
        return failures.Result;
    }
}
