using System.Text.Json;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>
/// deploy/cloudfront/viewer-request.js run against a table of viewer requests, in the event shape
/// CloudFront Functions receive, under Node.js and under njs (an ES5.1 engine, closer to CloudFront's
/// runtime: what only a newer engine accepts fails there).
/// </summary>
public sealed class CloudFrontFunctionTests
{
    // ES5 on purpose: it runs under njs too. The cases are pasted in as a JSON literal, so neither
    // engine needs a file or stdin API; one result per line, because njs cuts a console.log at 2 KB.
    // Query names become own properties even when they are "__proto__" or "constructor", as in the
    // object CloudFront builds.
    private const string Harness = """

        for (var c = 0; c < CASES.length; c++) {
            var test = CASES[c];
            var querystring = {};
            for (var p = 0; p < test.query.length; p++) {
                var name = test.query[p][0], value = test.query[p][1];
                if (Object.prototype.hasOwnProperty.call(querystring, name)) { querystring[name].multiValue.push({ value: value }); }
                else { Object.defineProperty(querystring, name, { value: { value: value, multiValue: [{ value: value }] }, enumerable: true, writable: true, configurable: true }); }
            }
            var headers = { host: { value: 'd111.cloudfront.net' } };
            if (test.accept.length > 0) {
                var lines = [];
                for (var a = 0; a < test.accept.length; a++) { lines.push({ value: test.accept[a] }); }
                headers.accept = { value: test.accept[0], multiValue: lines };
            }
            var request = handler({ version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '127.0.0.1' },
                                    request: { method: 'GET', uri: test.uri, querystring: querystring, headers: headers, cookies: {} } });
            var query = [];
            for (var key in request.querystring) { query.push(key + '=' + request.querystring[key].value); }
            console.log(JSON.stringify({ query: query.join('&'), accept: request.headers.accept ? request.headers.accept.value : null,
                                         host: request.headers['x-viewer-host'].value, proto: request.headers['x-viewer-proto'].value }));
        }
        """;

    private const string Chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    private const string Firefox = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari16 = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari14 = "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    private const string Safari13 = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    private const string OldIe = "image/png, image/svg+xml, image/jxr, image/*;q=0.8, */*;q=0.5";

    public static TheoryData<string> Engines => ["node", "njs"];

    public static TheoryData<string, string, string, string?, string, string?> Cases
    {
        get
        {
            var cases = new TheoryData<string, string, string, string?, string, string?>();
            foreach (var engine in new[] { "node", "njs" })
            {
                // engine, uri, query (name=value pairs joined by &), Accept, expected canonical query, expected Accept
                cases.Add(engine, "/images/a.jpg", "w=400", Chrome, "w=400", null);
                cases.Add(engine, "/images/a.jpg", "q=70&format=jpeg&fit=cover&h=300&w=400", Chrome, "w=400&h=300&fit=cover&format=jpeg&q=70", null);
                cases.Add(engine, "/images/a.jpg", "W=400&FIT=Cover&Format=JPEG", Chrome, "w=400&fit=cover&format=jpeg", null);
                cases.Add(engine, "/images/a.jpg", "w=0400&q=080", Chrome, "w=400&q=80", null);
                cases.Add(engine, "/images/a.jpg", "w=0", Chrome, "w=0", null);
                cases.Add(engine, "/images/a.jpg", "w=400&utm_source=mail&fbclid=abc&zoom=2", Chrome, "w=400", null);
                cases.Add(engine, "/images/a.jpg", "w=400&__proto__=1&constructor=2&hasOwnProperty=3", Chrome, "w=400", null);
                cases.Add(engine, "/images/a.jpg", "w=400&w=500", Chrome, "w=400", null);
                cases.Add(engine, "/images/a.jpg", "fİt=cover&w=400&format=JPİG", Chrome, "w=400&format=jpİg", null);
                cases.Add(engine, "/images/a.jpg", "w=400&sig=AbC-_123", Chrome, "w=400&sig=AbC-_123", null);
                cases.Add(engine, "/images/a.jpg", "sig=AbC&EXP=01800000000&w=400", Chrome, "w=400&sig=AbC&exp=1800000000", null);
                cases.Add(engine, "/images/a.jpg", "", Chrome, "", null);
                cases.Add(engine, "/images/a.jpg", "format=webp", OldIe, "format=webp", null);
                cases.Add(engine, "/images/a.jpg", "format=avif", Safari13, "format=avif", null);

                // format=auto stays auto (what was signed reaches the origin); only Accept is reduced to its class.
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", Chrome, "w=300&format=auto", "image/avif,image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", Firefox, "w=300&format=auto", "image/avif,image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", Safari16, "w=300&format=auto", "image/avif,image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", Safari14, "w=300&format=auto", "image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", Safari13, "w=300&format=auto", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "format=auto&w=300", OldIe, "w=300&format=auto", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "format=AUTO", "image/webp;q=0, image/*", "format=auto", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "format=auto", "IMAGE/WEBP", "format=auto", "image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto", "image/avif", "format=auto", "image/avif");
                cases.Add(engine, "/images/a.jpg", "format=auto", "*/*", "format=auto", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "format=auto", null, "format=auto", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "format=auto&sig=XyZ", Chrome, "format=auto&sig=XyZ", "image/avif,image/webp");

                // preset is in the table: kept, lower-cased, in the table's order; the cache key has it.
                cases.Add(engine, "/images/a.jpg", "PRESET=Card&format=AUTO&utm_source=x", Safari14, "format=auto&preset=card", "image/webp");
                cases.Add(engine, "/images/a.jpg", "preset=card&sig=AbC", Chrome, "sig=AbC&preset=card", null);

                // Paths other than /images/ keep their query and headers as they came.
                cases.Add(engine, "/uploads", "x=1&W=2", Chrome, "x=1&W=2", Chrome);
                cases.Add(engine, "/swagger/index.html", "format=auto", Chrome, "format=auto", Chrome);
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Canonicalises_image_requests(string engine, string uri, string query, string? accept, string expectedQuery, string? expectedAccept)
    {
        var result = (await RunAsync(engine, [new(uri, query, accept is null ? [] : [accept])]))[0];
        Assert.Equal(expectedQuery, result.GetProperty("query").GetString());
        Assert.Equal(expectedAccept, result.GetProperty("accept").GetString());
        Assert.Equal("d111.cloudfront.net", result.GetProperty("host").GetString());
        Assert.Equal("https", result.GetProperty("proto").GetString());
    }

    // The headers FormatSupportTests reads, and more: the function must put each in the class the
    // origin's FormatSupport.FromAccept puts it in, or the cache would hold one class's answer under another's key.
    private static readonly string[] Headers =
    [
        Chrome, Firefox, Safari16, Safari14, Safari13, OldIe, "", "*/*", "image/*", "image/*,*/*;q=0.8", "IMAGE/WEBP", "image/avif",
        " \timage/avif\t ; q=1 ", "image/webp;q=0", "image/webp;q=0.000, image/*", "image/webp;q=0.001", "image/webp;Q=0.5",
        "image/webp;q=1.000", "image/webp;q=1.", "image/webp;q=0.", "image/webp;q=1.5", "image/webp;q=0.0001", "image/webp;q=-1",
        "image/webp;q=", "image/webp;q=high", "image/webp;q=.5", "image/webp;q=0,5", "image/webp;level=1", "image/webp, image/webp;q=0",
        "image/avif;q=0,image/webp", "image/avif,image/webp;q=0", "image/webpx,image/avif2,ximage/webp", "image/web p",
        ",,;,image/webp,;", "image/avif;q=0.5;q=0", "image/avif;q=0;q=0.5", "image/avif ;q = 0", "image/avif\u00a0", "\u00a0image/webp",
        "image/avıf", "İmage/webp", "image/avif\r\n",
    ];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Puts_accept_in_the_class_the_origin_reads_it_as(string engine)
    {
        var results = await RunAsync(engine, [.. Headers.Select(h => new Case("/images/a.jpg", "format=auto", [h]))]);
        for (var i = 0; i < Headers.Length; i++)
        {
            Assert.True(FormatSupport.FromAccept(Headers[i]).AcceptClass == results[i].GetProperty("accept").GetString(),
                $"{engine}: Accept '{Headers[i]}' became '{results[i].GetProperty("accept").GetString()}', the origin reads it as '{FormatSupport.FromAccept(Headers[i]).AcceptClass}'");
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Reads_every_accept_line_a_viewer_sent(string engine)
    {
        // HTTP joins repeated header lines with commas; so does the origin when it reads the forwarded header.
        var results = await RunAsync(engine,
        [
            new("/images/a.jpg", "format=auto", ["image/avif", "image/webp"]),
            new("/images/a.jpg", "format=auto", ["image/webp", "image/webp;q=0"]),
        ]);
        Assert.Equal("image/avif,image/webp", results[0].GetProperty("accept").GetString());
        Assert.Equal("image/jpeg", results[1].GetProperty("accept").GetString());
    }

    private sealed record Case(string Uri, string Query, IReadOnlyList<string> Accept);

    private static async Task<JsonElement[]> RunAsync(string engine, Case[] cases)
    {
        var serialised = JsonSerializer.Serialize(cases.Select(c => new
        {
            uri = c.Uri,
            query = c.Query.Length == 0 ? [] : c.Query.Split('&').Select(p => p.Split('=', 2)).Select(p => new[] { p[0], p.Length > 1 ? p[1] : "" }).ToArray(),
            accept = c.Accept,
        }));
        var function = await File.ReadAllTextAsync(Repository.PathOf("deploy", "cloudfront", "viewer-request.js"));
        var script = Path.Combine(Path.GetTempPath(), $"cf-harness-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, function + "\nvar CASES = " + serialised + ";\n" + Harness);
        try
        {
            var (exit, output) = await Repository.RunAsync(engine, [script]);
            Assert.True(exit == 0, $"{engine}: {output}");
            var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
            Assert.Equal(cases.Length, results.Length);
            return results;
        }
        finally
        {
            File.Delete(script);
        }
    }
}
