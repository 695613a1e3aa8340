using System.Net;
using System.Net.Sockets;
using System.Text;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Uploads;

/// <summary><c>PUT /uploads/{key}</c> on a real Kestrel port, where the request body limit applies.</summary>
public sealed class EmbeddedUploadTests
{
    private static (ImageApiFactory App, Uri BaseUrl) Start()
    {
        var app = new ImageApiFactory();
        var port = MotoServer.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        return (app, new Uri($"http://127.0.0.1:{port}/"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task A_chunked_upload_of_exactly_the_signed_length_is_stored_whatever_the_chunk_size(int chunkSize)
    {
        var (app, baseUrl) = Start();
        using var _ = app;
        var body = new byte[4000];
        Random.Shared.NextBytes(body);
        using var http = new HttpClient { BaseAddress = baseUrl };
        var ticket = await Tickets.RequestAsync(http, body.Length);
        Assert.Equal(["Content-Type"], ticket.Headers.Keys);

        var (status, text) = await PutChunkedAsync(ticket.UploadUrl, ticket.Headers["Content-Type"], body, chunkSize);

        Assert.True(status == 200, $"{status} {text}");
        var stored = Directory.GetFiles(app.SourceRoot, "*", SearchOption.AllDirectories).Single(f => !f.EndsWith(".json", StringComparison.Ordinal));
        Assert.Equal(body, await File.ReadAllBytesAsync(stored));
    }

    [Fact]
    public async Task A_chunked_upload_one_byte_over_the_signed_length_is_413()
    {
        var (app, baseUrl) = Start();
        using var _ = app;
        using var http = new HttpClient { BaseAddress = baseUrl };
        var ticket = await Tickets.RequestAsync(http, 4000);

        var (status, text) = await PutChunkedAsync(ticket.UploadUrl, ticket.Headers["Content-Type"], new byte[4001], 7);

        Assert.True(status == 413, $"{status} {text}");
    }

    /// <summary>A PUT with <c>Transfer-Encoding: chunked</c> in chunks of exactly <paramref name="chunkSize"/> bytes, written on a raw socket.</summary>
    private static async Task<(int Status, string Text)> PutChunkedAsync(Uri url, string contentType, byte[] body, int chunkSize)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        var head = $"PUT {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes(head));
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - offset);
            request.Write(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            request.Write(body, offset, length);
            request.Write("\r\n"u8);
        }

        request.Write("0\r\n\r\n"u8);
        try
        {
            await stream.WriteAsync(request.ToArray());
        }
        catch (IOException)
        {
            // The server may answer and close before reading everything.
        }

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
