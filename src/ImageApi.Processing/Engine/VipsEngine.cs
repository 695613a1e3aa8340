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
    // glibc's malloc.h
    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int MallocArenaMax = -8; // M_ARENA_MAX

    /// <summary>Allocations from this size up get pages of their own, handed back when freed.</summary>
    public const int MallocMmapThresholdBytes = 1 << 20;

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
                TuneMalloc();
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
    /// reason). So: two arenas, as <c>MALLOC_ARENA_MAX=2</c> would set; and buffers of a megabyte or more
    /// mapped on their own and unmapped when freed, with free memory at the heap's top given back from a
    /// megabyte. glibc's own threshold starts at 128 KiB but rises to 32 MiB after the first large
    /// buffer is freed, and from then on every image's buffers stay on the heap: over the HTTP
    /// benchmark's scenarios the process grew from 520 to about 1,000 MB with it, and stayed at 330–560 MB
    /// with a fixed one. The price is the page faults of fresh mappings: the default rendition in-process
    /// went from 10.9 to 10.5 renders/s, with its peak from 536 to 270–300 MB (same run). Each setting the
    /// environment makes itself is left alone.
    /// </summary>
    private static void TuneMalloc()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "";
        try
        {
            SetUnlessConfigured(MallocArenaMax, 2, "MALLOC_ARENA_MAX", "glibc.malloc.arena_max");
            SetUnlessConfigured(MallocMmapThreshold, MallocMmapThresholdBytes, "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold");
            SetUnlessConfigured(MallocTrimThreshold, MallocMmapThresholdBytes, "MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold");
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has its own allocator): nothing to tune.
        }

        void SetUnlessConfigured(int parameter, int value, string variable, string tunable)
        {
            if (Environment.GetEnvironmentVariable(variable) is null && !tunables.Contains(tunable, StringComparison.Ordinal))
            {
                _ = MallOpt(parameter, value);
            }
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling code, and LibraryImport would need unsafe blocks.
#pragma warning disable SYSLIB1054, CA5392
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
#pragma warning restore SYSLIB1054, CA5392
}
