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
            var query = [], keys = [];
            for (var key in request.querystring) { query.push(key + '=' + request.querystring[key].value); keys.push(key); }
            keys.sort(function (a, b) { var i = PARAMETERS.indexOf(a), j = PARAMETERS.indexOf(b); return (i < 0 ? 99 : i) - (j < 0 ? 99 : j); });
            var ordered = [];
            for (var k = 0; k < keys.length; k++) { ordered.push(keys[k] + '=' + request.querystring[keys[k]].value); }
            console.log(JSON.stringify({ query: query.join('&'), ordered: ordered.join('&'), accept: request.headers.accept ? request.headers.accept.value : null,
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

                // Other services' names and values become the table's; dpr is folded into w and h.
                cases.Add(engine, "/images/a.jpg", "width=300&height=200&quality=70&fm=JPEG", Chrome, "w=300&h=200&format=jpeg&q=70", null);
                cases.Add(engine, "/images/a.jpg", "auto=format&fit=max&w=640", Chrome, "w=640&fit=inside&format=auto", "image/avif,image/webp");
                cases.Add(engine, "/images/a.jpg", "format=auto&width=640&quality=75", Safari13, "w=640&format=auto&q=75", "image/jpeg");
                cases.Add(engine, "/images/a.jpg", "fit=CLIP&w=1", Chrome, "w=1&fit=inside", null);
                cases.Add(engine, "/images/a.jpg", "fit=crop&w=1&h=1", Chrome, "w=1&h=1&fit=cover", null);
                cases.Add(engine, "/images/a.jpg", "fit=min&w=1&h=1", Chrome, "w=1&h=1&fit=cover", null);
                cases.Add(engine, "/images/a.jpg", "fit=fill&w=1&h=1", Chrome, "w=1&h=1&fit=fill", null);
                cases.Add(engine, "/images/a.jpg", "auto=compress", Chrome, "format=compress", null);
                cases.Add(engine, "/images/a.jpg", "fm=auto", "image/webp", "format=auto", "image/webp");
                cases.Add(engine, "/images/a.jpg", "w=300&width=400", Chrome, "w=300", null);
                cases.Add(engine, "/images/a.jpg", "dpr=2&w=300", Chrome, "w=600", null);
                cases.Add(engine, "/images/a.jpg", "w=300&h=200&dpr=1.5", Chrome, "w=450&h=300", null);
                cases.Add(engine, "/images/a.jpg", "dpr=2.0&width=0300", Chrome, "w=600", null);
                cases.Add(engine, "/images/a.jpg", "dpr=3&w=3000&h=1000", Chrome, "w=4096&h=1365", null);
                cases.Add(engine, "/images/a.jpg", "dpr=1.5&h=4000", Chrome, "h=4096", null);
                cases.Add(engine, "/images/a.jpg", "dpr=1.25&w=300", Chrome, "w=300&dpr=1.25", null);
                cases.Add(engine, "/images/a.jpg", "dpr=4&w=300", Chrome, "w=300&dpr=4", null);
                cases.Add(engine, "/images/a.jpg", "dpr=0&w=300", Chrome, "w=300&dpr=0", null);
                cases.Add(engine, "/images/a.jpg", "dpr=2", Chrome, "dpr=2", null);
                cases.Add(engine, "/images/a.jpg", "dpr=2&w=abc", Chrome, "w=abc&dpr=2", null);
                cases.Add(engine, "/images/a.jpg", "dpr=2&w=5000", Chrome, "w=5000&dpr=2", null);

                // The new parameters, in the table's order, numbers canonical, whatever order they came in.
                cases.Add(engine, "/images/a.jpg", "sharpen=1.50&blur=02.0&flip=HV&rot=090&bg=FFCC00&fp-y=0.50&fp-x=00.25&gravity=Focal&fit=cover&h=1&w=1", Chrome,
                    "w=1&h=1&fit=cover&gravity=focal&fp-x=0.25&fp-y=0.5&bg=ffcc00&rot=90&flip=hv&blur=2&sharpen=1.5", null);
                cases.Add(engine, "/images/a.jpg", "gravity=NorthEast&w=1&h=1&fit=cover", Chrome, "w=1&h=1&fit=cover&gravity=northeast", null);
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
        Assert.Equal(expectedQuery, QueryOf(engine, result));
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

    // Next.js's default device and image sizes, the set the next/image test configures.
    private const string NextWidths = "640,750,828,1080,1200,1920,2048,3840,32,48,64,96,128,256,384";

    public static TheoryData<string, string, string> SnappedCases
    {
        get
        {
            var cases = new TheoryData<string, string, string>();
            foreach (var engine in new[] { "node", "njs" })
            {
                cases.Add(engine, "dpr=2&w=300", "w=640");
                cases.Add(engine, "dpr=1&w=300", "w=384");
                cases.Add(engine, "dpr=2&w=320&h=200", "w=640&h=400");
                cases.Add(engine, "dpr=3&w=1500&h=1000", "w=3840&h=2560");
                cases.Add(engine, "dpr=2&h=300", "h=600");
                cases.Add(engine, "w=300", "w=300");
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(SnappedCases))]
    public async Task Dpr_snaps_to_the_stacks_allowed_widths(string engine, string query, string expected)
    {
        var result = (await RunAsync(engine, [new("/images/a.jpg", query, [])], NextWidths))[0];
        Assert.Equal(expected, QueryOf(engine, result));
    }

    // Every spelling the function is given must reach the origin as a query the origin reads as the
    // same request as the original spelling: the same stored name and the same signed string.
    private static readonly string[] OriginCases =
    [
        "width=300&height=200&fit=crop&quality=70&fm=jpeg", "auto=format&fit=max&w=640", "format=auto&width=640&quality=75",
        "dpr=2&w=300", "dpr=1.5&w=333&h=201", "dpr=2.5&w=1001", "dpr=3&w=3000&h=1000", "dpr=1.1&h=77", "dpr=2&w=300&h=300&fit=contain",
        "w=10&h=10&fit=cover&fp-x=0.333&fp-y=1", "gravity=smart&w=10&h=10&fit=cover", "bg=00000080&fit=contain&w=10&h=10&format=png",
        "rot=270&flip=v&blur=0.3&sharpen=10", "FIT=Min&Width=50&Height=50&Gravity=SouthWest",
    ];

    [Theory]
    [InlineData("node", "")]
    [InlineData("njs", "")]
    [InlineData("node", NextWidths)]
    [InlineData("njs", NextWidths)]
    public async Task The_origin_reads_what_the_function_forwards_as_the_request_it_was_given(string engine, string allowedWidths)
    {
        var defaults = new RenditionDefaults { AllowedWidths = [.. allowedWidths.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)] };
        var parser = new TransformParser(defaults);
        var results = await RunAsync(engine, [.. OriginCases.Select(q => new Case("/images/a.jpg", q, []))], allowedWidths);
        for (var i = 0; i < OriginCases.Length; i++)
        {
            var forwarded = results[i].GetProperty("query").GetString()!;
            var (direct, edge) = (Outcome(parser, OriginCases[i]), Outcome(parser, forwarded));
            Assert.True(direct == edge, $"{engine}: '{OriginCases[i]}' became '{forwarded}': {direct} at the origin, {edge} through the edge");
            Assert.DoesNotContain("dpr", forwarded, StringComparison.Ordinal);
        }

        Assert.Contains(OriginCases, q => !Outcome(parser, q).StartsWith("400", StringComparison.Ordinal));
    }

    // The stored name and the signed string a query makes, or the parameters a 400 names.
    private static string Outcome(TransformParser parser, string query)
    {
        try
        {
            var parsed = parser.Parse(QueryStrings.Pairs(query));
            return new Processing.Naming.RenditionKey(Processing.Naming.SourceKey.Parse("uploads/a.jpg"), parsed.Request.Resolve(FormatSupport.All, false, 1, 1, new RenditionDefaults())).Value + " signed " + parsed.SignedQuery;
        }
        catch (TransformRequestException ex)
        {
            return "400 " + string.Join(",", ex.Errors.Select(e => e.Parameter));
        }
    }

    // njs's objects do not keep insertion order past a few keys; CloudFront's runtime does, as Node.js
    // does, so the function's order is checked under Node.js and its content under both.
    private static string? QueryOf(string engine, JsonElement result)
    {
        var ordered = result.GetProperty("ordered").GetString();
        if (engine == "node")
        {
            Assert.Equal(ordered, result.GetProperty("query").GetString());
        }

        return ordered;
    }

    private static async Task<JsonElement[]> RunAsync(string engine, Case[] cases, string allowedWidths = "")
    {
        var serialised = JsonSerializer.Serialize(cases.Select(c => new
        {
            uri = c.Uri,
            query = c.Query.Length == 0 ? [] : c.Query.Split('&').Select(p => p.Split('=', 2)).Select(p => new[] { p[0], p.Length > 1 ? p[1] : "" }).ToArray(),
            accept = c.Accept,
        }));
        // What CloudFormation's Fn::Sub does with the stack's AllowedWidths.
        var function = (await File.ReadAllTextAsync(Repository.PathOf("deploy", "cloudfront", "viewer-request.js"))).Replace("${AllowedWidths}", allowedWidths, StringComparison.Ordinal);
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
