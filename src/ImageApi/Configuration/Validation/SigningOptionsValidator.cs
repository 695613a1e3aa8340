using Microsoft.Extensions.Options;
using static ImageApi.Configuration.Validation.ConfigurationRules;

namespace ImageApi.Configuration.Validation;

/// <summary>Signing:* — signed transform URLs.</summary>
internal sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    public ValidateOptionsResult Validate(string? name, SigningOptions options)
    {
        var failures = new SettingFailures(SigningOptions.Section);
        failures.Require(!options.Required || options.Keys.Count > 0, "Keys", "must hold at least one key when Signing:Required is true");
        failures.Require(options.Keys.All(IsStrongKey), "Keys", $"must each be at least 32 characters ({StrongKeyRule})");
        return failures.Result;
    }
}
