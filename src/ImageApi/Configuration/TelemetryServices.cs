using ImageApi.Images;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace ImageApi.Configuration;

/// <summary>OpenTelemetry metrics for the <c>ImageApi</c> meter, exported where <c>Telemetry:Exporter</c> says.</summary>
internal static class TelemetryServices
{
    public static IServiceCollection AddImageApiTelemetry(this IServiceCollection services) =>
        services.AddHostedService<MetricsExport>();
}

/// <summary>
/// The OpenTelemetry meter provider, built when the host starts and only when an exporter is
/// configured. Without one it would listen to every instrument for nobody: building it cost some
/// 40 ms of a cold start's CPU, and each measurement would go through its aggregation.
/// </summary>
/// <remarks>
/// Decided at start, not when services are registered, so the exporter follows configuration from any
/// source (including settings that only arrive after Program has registered its services). The meter's
/// instruments are seen by name, whoever created them (the meter factory's meters included).
/// </remarks>
internal sealed class MetricsExport(IOptions<TelemetryOptions> options) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var telemetry = options.Value;
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
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(RenditionMetrics.MeterName)
                .AddReader(new PeriodicExportingMetricReader(exporter, (int)telemetry.ExportInterval.TotalMilliseconds))
                .Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Disposing the provider exports what was measured since the last interval, as the container's
    // disposal of OpenTelemetry's own hosted provider did.
    public void Dispose() => _provider?.Dispose();
}
