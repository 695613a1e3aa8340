using Microsoft.Extensions.Options;
using static ImageApi.Configuration.Validation.ConfigurationRules;

namespace ImageApi.Configuration.Validation;

/// <summary>Telemetry:* — the exporter and where it sends.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new SettingFailures(TelemetryOptions.Section);
        failures.Require(Enum.IsDefined(options.Exporter), "Exporter", "must be None, Console or Otlp");
        failures.Require(
            options.Exporter != MetricsExporter.Otlp || IsHttpUrl(options.OtlpEndpoint),
            "OtlpEndpoint",
            $"must be the collector's http(s) URL when Telemetry:Exporter is Otlp (was '{options.OtlpEndpoint}')");
        failures.Require(options.ExportInterval >= TimeSpan.FromMilliseconds(100) && options.ExportInterval <= TimeSpan.FromHours(1), "ExportInterval", $"must be from 00:00:00.1 to 01:00:00 (was {options.ExportInterval})");
        return failures.Result;
    }
}
