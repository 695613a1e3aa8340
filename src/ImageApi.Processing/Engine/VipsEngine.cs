using System.Runtime.InteropServices;
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
    private const int MallocArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

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
                LimitMallocArenas();
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

    /// <summary>
    /// glibc gives threads that meet on the heap arenas of their own (up to eight per core) and seldom
    /// hands their free memory back: with libvips' threads allocating multi-megabyte buffers, the
    /// process holds far more than it uses (sharp limits its own concurrency under glibc for the same
    /// reason). Two arenas, as <c>MALLOC_ARENA_MAX=2</c> would set, unless the environment says otherwise.
    /// </summary>
    private static void LimitMallocArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return;
        }

        try
        {
            _ = MallOpt(MallocArenaMax, 2);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has its own allocator): nothing to limit.
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling code, and LibraryImport would need unsafe blocks.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
#pragma warning restore SYSLIB1054, CA5392
}
