using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ImageApi.Images;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageApi.Tests.Infrastructure;

/// <summary>
/// The real app on a temporary folder: every test class gets its own storage root, clock and log.
/// </summary>
public sealed class ImageApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private MeterListener? _listener;

    public ImageApiFactory(IDictionary<string, string?>? settings = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "imageapi-tests", Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        _settings.TryAdd("Storage:FileRoot", Root);
    }

    public string Root { get; }

    public string SourceRoot => Path.Combine(Root, "source");

    public string DestinationRoot => Path.Combine(Root, "destination");

    public TestClock Clock { get; } = new();

    public ConcurrentQueue<string> Logs { get; } = new();

    private readonly ConcurrentDictionary<string, long> _measurements = new();

    /// <summary>The sum of one of this app instance's own counters (not another instance's in the same process).</summary>
    public long Measured(string instrument) => _measurements.GetValueOrDefault(instrument);

    /// <summary>How many renditions this app instance has rendered.</summary>
    public long RenditionsGenerated => Measured("imageapi.renditions.generated");

    /// <summary>How many bytes of originals this app instance has downloaded.</summary>
    public long OriginalBytesRead => Measured("imageapi.originals.bytes_read");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meterFactory)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _measurements.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _listener.Start();
        return host;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _listener?.Dispose();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

/// <summary>A clock the tests move by hand (for URL expiry).</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}

internal sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class ListLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}

/// <summary>Tests whose subject is timing run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
