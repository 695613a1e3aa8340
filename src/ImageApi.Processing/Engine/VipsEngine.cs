using NetVips;

namespace ImageApi.Processing.Engine;

/// <summary>
/// libvips, set up once per process for hostile input: only the four loaders the service accepts can
/// run (every other <c>VipsForeignLoad</c> class, and every operation libvips marks untrusted, is
/// blocked), the operation cache is off (each request's images are its own), and each operation uses a
/// fixed number of threads, so concurrent requests do not oversubscribe the cores.
/// </summary>
public static class VipsEngine
{
    /// <summary>The libvips loader classes allowed to run; each has a buffer, file and source subclass.</summary>
    public static IReadOnlyList<string> AllowedLoaders { get; } =
        ["VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadNsgif"];

    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>The libvips version the process runs, e.g. 8.18.7.</summary>
    public static string Version =>
        $"{NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";

    /// <summary>Applies the settings; safe to call more than once (the last thread count wins).</summary>
    /// <param name="threadsPerOperation">libvips worker threads per pipeline evaluation (1 or more).</param>
    public static void Initialize(int threadsPerOperation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerOperation, 1);
        lock (Gate)
        {
            if (!_initialized)
            {
                if (!ModuleInitializer.VipsInitialized)
                {
                    throw new InvalidOperationException("libvips could not be loaded: " + ModuleInitializer.Exception?.Message, ModuleInitializer.Exception);
                }

                Cache.Max = 0;
                Cache.MaxMem = 0;
                Cache.MaxFiles = 0;
                NetVips.NetVips.BlockUntrusted = true;
                Operation.Block("VipsForeignLoad", true);
                foreach (var loader in AllowedLoaders)
                {
                    Operation.Block(loader, false);
                }

                _initialized = true;
            }

            NetVips.NetVips.Concurrency = threadsPerOperation;
        }
    }
}
