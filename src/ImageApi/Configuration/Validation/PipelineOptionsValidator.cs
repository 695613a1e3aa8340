using ImageApi.Processing.Pipeline;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Pipeline:* — libvips threads, encoder efforts, the intermediate.</summary>
internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public const string Section = "Pipeline";

    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new SettingFailures(Section);
        failures.Require(options.Parallelism is >= 1 and <= 64, "Parallelism", $"must be from 1 to 64 (was {options.Parallelism})");
        failures.Require(options.WebpEffort is >= 0 and <= 6, "WebpEffort", $"must be from 0 to 6 (was {options.WebpEffort})");
        failures.Require(options.AvifEffort is >= 0 and <= 9, "AvifEffort", $"must be from 0 to 9 (was {options.AvifEffort})");
        failures.Require(options.IntermediateMaxDimension == 0 || options.IntermediateMaxDimension is >= 256 and <= 8192, "IntermediateMaxDimension", $"must be 0 (none) or from 256 to 8192 (was {options.IntermediateMaxDimension})");
        failures.Require(options.IntermediateQuality is >= 50 and <= 100, "IntermediateQuality", $"must be from 50 to 100 (was {options.IntermediateQuality})");
        return failures.Result;
    }
}
