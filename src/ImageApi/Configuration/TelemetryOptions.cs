namespace ImageApi.Configuration;

public enum MetricsExporter
{
    /// <summary>Metrics are counted (MeterListener, dotnet-counters) but not exported.</summary>
    None,

    /// <summary>Printed to standard output: CloudWatch Logs picks them up in Lambda.</summary>
    Console,

    /// <summary>OTLP over HTTP/protobuf to a collector (ADOT, Grafana Alloy, the OpenTelemetry Collector).</summary>
    Otlp,
}

/// <summary>The <c>Telemetry</c> section: where the service's OpenTelemetry metrics go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public MetricsExporter Exporter { get; set; } = MetricsExporter.None;

    /// <summary>The collector's base URL for <see cref="MetricsExporter.Otlp"/>, e.g. <c>http://localhost:4318</c>.</summary>
    public string? OtlpEndpoint { get; set; }

    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(60);
}
