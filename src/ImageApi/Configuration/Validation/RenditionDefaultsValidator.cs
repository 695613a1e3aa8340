using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>Renditions:* — the default rendition, the maximum size and the allowed lists.</summary>
internal sealed class RenditionDefaultsValidator : IValidateOptions<RenditionDefaults>
{
    public const string Section = "Renditions";

    public ValidateOptionsResult Validate(string? name, RenditionDefaults options)
    {
        var failures = new SettingFailures(Section);
        failures.Require(options.MaxWidth is >= 1 and <= 16384, "MaxWidth", $"must be from 1 to 16384 (was {options.MaxWidth})");
        failures.Require(options.MaxHeight is >= 1 and <= 16384, "MaxHeight", $"must be from 1 to 16384 (was {options.MaxHeight})");
        failures.Require(options.Width >= 1 && options.Width <= options.MaxWidth, "Width", $"must be from 1 to Renditions:MaxWidth ({options.MaxWidth}) (was {options.Width})");
        failures.Require(options.Height >= 1 && options.Height <= options.MaxHeight, "Height", $"must be from 1 to Renditions:MaxHeight ({options.MaxHeight}) (was {options.Height})");
        failures.Require(options.Quality is >= 1 and <= 100, "Quality", $"must be from 1 to 100 (was {options.Quality})");
        failures.Require(Enum.IsDefined(options.Fit), "Fit", "must be Inside, Cover, Contain or Fill");
        failures.Require(Processing.Formats.OutputFormats.Find(options.Format) is not null, "Format", $"must be one of {string.Join(", ", Processing.Formats.OutputFormats.All.Select(f => f.Name))} (was '{options.Format}')");
        failures.Require(options.AllowedWidths.All(w => w >= 1 && w <= options.MaxWidth), "AllowedWidths", $"must each be from 1 to Renditions:MaxWidth ({options.MaxWidth})");
        failures.Require(options.AllowedHeights.All(h => h >= 1 && h <= options.MaxHeight), "AllowedHeights", $"must each be from 1 to Renditions:MaxHeight ({options.MaxHeight})");
        failures.Require(options.AllowedQualities.All(q => q is >= 1 and <= 100), "AllowedQualities", "must each be from 1 to 100");
        var formats = Processing.Formats.OutputFormats.All.Select(f => f.Name).Append(Processing.Transforms.TransformParameters.AutoFormat).ToList();
        failures.Require(options.AllowedFormats.All(f => formats.Contains(f, StringComparer.Ordinal)), "AllowedFormats", $"must each be one of {string.Join(", ", formats)} (was {string.Join(", ", options.AllowedFormats)})");
        return failures.Result;
    }
}
