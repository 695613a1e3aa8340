using ImageApi.Images;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace ImageApi.Configuration;

/// <summary>OpenTelemetry metrics for the <c>ImageApi</c> meter, exported where <c>Telemetry:Exporter</c> says.</summary>
internal static class TelemetryServices
{
    public static IServiceCollection AddImageApiTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(RenditionMetrics.MeterName));

        // Deferred to when the provider is built, so the exporter follows configuration from any source
        // (including settings that only arrive after Program has registered its services).
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var telemetry = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            BaseExporter<Metric>? exporter = telemetry.Exporter switch
            {
                MetricsExporter.Console => new ConsoleMetricExporter(new ConsoleExporterOptions()),
                MetricsExporter.Otlp => new OtlpMetricExporter(new OtlpExporterOptions
                {
                    Protocol = OtlpExportProtocol.HttpProtobuf,
                    Endpoint = new Uri(telemetry.OtlpEndpoint!.TrimEnd('/') + "/v1/metrics"),
                }),
                _ => null,
            };
            if (exporter is not null)
            {
                metrics.AddReader(new PeriodicExportingMetricReader(exporter, (int)telemetry.ExportInterval.TotalMilliseconds));
            }
        });
        return services;
    }
}
