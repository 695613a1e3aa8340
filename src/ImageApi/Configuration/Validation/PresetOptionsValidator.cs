using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Presets:* — every preset parsed with the request parser.</summary>
/// <remarks>
/// <c>services</c> is read only while validating, never in the constructor: options of other types are
/// resolved after this validator exists.
/// </remarks>
internal sealed class PresetOptionsValidator(IServiceProvider services) : IValidateOptions<PresetOptions>
{
    public ValidateOptionsResult Validate(string? name, PresetOptions options)
    {
        var failures = new SettingFailures(PresetOptions.Section);
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
}
