using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Events:* — the embedded worker and its queue.</summary>
internal sealed class EventsOptionsValidator : IValidateOptions<EventsOptions>
{
    public ValidateOptionsResult Validate(string? name, EventsOptions options)
    {
        var failures = new SettingFailures(EventsOptions.Section);
        failures.Require(options.Workers is null or (>= 1 and <= 256), "Workers", $"must be from 1 to 256, or unset for the number of cores (was {options.Workers})");
        failures.Require(options.QueueCapacity is >= 1 and <= 1_000_000, "QueueCapacity", $"must be from 1 to 1000000 (was {options.QueueCapacity})");
        return failures.Result;
    }
}
