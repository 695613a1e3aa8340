using System.Diagnostics.Metrics;

namespace ImageApi.Images;

/// <summary>The service's own instruments, on the <c>ImageApi</c> meter (exported by OpenTelemetry when configured).</summary>
public sealed class RenditionMetrics
{
    public const string MeterName = "ImageApi";

    private readonly Counter<long> _generated;
    private readonly Counter<long> _servedFromStorage;
    private readonly Counter<long> _bytesServed;
    private readonly Counter<long> _originalBytesRead;
    private readonly Counter<long> _intermediateBytesRead;
    private readonly Counter<long> _cutFromMemory;
    private readonly Histogram<double> _stageDuration;

    public RenditionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _generated = meter.CreateCounter<long>("imageapi.renditions.generated", "{rendition}", "Renditions rendered and stored.");
        _servedFromStorage = meter.CreateCounter<long>("imageapi.renditions.served_from_storage", "{rendition}", "Requests answered with a stored rendition.");
        _bytesServed = meter.CreateCounter<long>("imageapi.renditions.bytes", "By", "Rendition bytes produced or read from storage.");
        _originalBytesRead = meter.CreateCounter<long>("imageapi.originals.bytes_read", "By", "Bytes of originals downloaded to render from.");
        _intermediateBytesRead = meter.CreateCounter<long>("imageapi.intermediates.bytes_read", "By", "Bytes of stored intermediates read to cut renditions from.");
        _cutFromMemory = meter.CreateCounter<long>("imageapi.intermediates.cut_from_memory", "{rendition}", "Renditions cut from an intermediate's pixels held in memory, with no storage read.");
        _stageDuration = meter.CreateHistogram<double>("imageapi.render.stage.duration", "ms", "Time of each stage of making a rendition (fetch, inspect, intermediate, render, store).");
    }

    public void Generated(long bytes, IEnumerable<StageTiming> stages)
    {
        _generated.Add(1);
        _bytesServed.Add(bytes);
        foreach (var stage in stages)
        {
            _stageDuration.Record(stage.Duration.TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage.Name));
        }
    }

    public void OriginalRead(long bytes) => _originalBytesRead.Add(bytes);

    public void IntermediateRead(long bytes) => _intermediateBytesRead.Add(bytes);

    public void CutFromMemory() => _cutFromMemory.Add(1);

    public void ServedFromStorage(long bytes)
    {
        _servedFromStorage.Add(1);
        _bytesServed.Add(bytes);
    }
}
