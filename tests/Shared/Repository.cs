using System.Diagnostics;

namespace ImageApi.TestSupport;

/// <summary>The repository the tests run from, and the programs its scripts use.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <param name="workingDirectory">Where it runs; the repository's root unless given (a test's copy of it, say).</param>
    public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Root,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in time.");
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>Runs the built app with settings as environment variables until it exits (it should, at once).</summary>
    public static async Task<(int Exit, string Output)> RunAppUntilExitAsync(IDictionary<string, string?> settings)
    {
        var root = Path.Combine(Path.GetTempPath(), "imageapi-startup-" + Guid.NewGuid().ToString("N"));
        var start = AppStartInfo(root, "http://127.0.0.1:0", settings);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (0, "the app did not stop: " + await output);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>How to start the built app (as users run it: a process, in Production) on a folder store at <paramref name="root"/>.</summary>
    public static ProcessStartInfo AppStartInfo(string root, string urls, IDictionary<string, string?> settings)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var app = PathOf("src", "ImageApi", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(app, "ImageApi.dll"), "--urls", urls])
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__FileRoot"] = root;
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ImageApi.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests must run inside the repository.");
    }
}
