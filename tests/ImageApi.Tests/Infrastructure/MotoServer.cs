using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImageApi.Tests.Infrastructure;

/// <summary>
/// moto's S3 + SQS server on a free loopback port, for the lifetime of the test run. It is started
/// through a small Python watchdog that kills it as soon as its stdin closes, so the server dies with
/// the test host even if the host crashes and never gets to dispose this.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private const string Watchdog = """
        import subprocess, sys
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", sys.argv[1]],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            sys.stdin.read()
        finally:
            server.kill()
        """;

    private readonly Process _process;

    public MotoServer()
    {
        Port = FreePort();
        _process = Process.Start(new ProcessStartInfo("python3", ["-c", Watchdog, Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("python3 could not be started; the S3 tests need python3 with moto[server].");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (http.GetAsync(Url + "moto-api/").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"moto's server did not start on port {Port} (is moto[server] installed for python3?).");
            }

            Thread.Sleep(200);
        }
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
