using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Delivery:*.</summary>
internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new SettingFailures(DeliveryOptions.Section);
        failures.Require(options.CacheMaxAgeSeconds >= 0, "CacheMaxAgeSeconds", $"must be 0 or more (was {options.CacheMaxAgeSeconds})");
        failures.Require(options.RedirectAboveBytes >= 0, "RedirectAboveBytes", $"must be 0 (never) or more (was {options.RedirectAboveBytes})");
        failures.Require(options.AutoAvifMaxPixels >= 0, "AutoAvifMaxPixels", $"must be 0 (never AVIF for format=auto) or more (was {options.AutoAvifMaxPixels})");
        failures.Require(options.RedirectUrlExpiry >= TimeSpan.FromSeconds(10) && options.RedirectUrlExpiry <= TimeSpan.FromDays(7), "RedirectUrlExpiry", $"must be from 00:00:10 to 7.00:00:00 (was {options.RedirectUrlExpiry})");
        return failures.Result;
    }
}
