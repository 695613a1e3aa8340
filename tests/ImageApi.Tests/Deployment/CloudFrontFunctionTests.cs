using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>
/// deploy/cloudfront/viewer-request.js run under Node.js against a table of viewer requests, in the
/// event shape CloudFront Functions receive.
/// </summary>
public sealed class CloudFrontFunctionTests
{
    private const string Harness = """
        const fs = require('fs');
        const source = fs.readFileSync(process.argv[2], 'utf8');
        const handler = new Function(source + '\nreturn handler;')();
        const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
        const out = cases.map(c => {
          const querystring = {};
          for (const [name, values] of c.query) {
            const entry = querystring[name];
            if (entry) { entry.multiValue.push({ value: values }); }
            else { querystring[name] = { value: values, multiValue: [{ value: values }] }; }
          }
          const headers = { host: { value: 'd111.cloudfront.net' } };
          if (c.accept !== null) headers.accept = { value: c.accept };
          const request = handler({ version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '127.0.0.1' },
                                    request: { method: 'GET', uri: c.uri, querystring, headers, cookies: {} } });
          const query = Object.keys(request.querystring).map(k => k + '=' + request.querystring[k].value).join('&');
          return { query, host: request.headers['x-viewer-host'].value, proto: request.headers['x-viewer-proto'].value };
        });
        process.stdout.write(JSON.stringify(out));
        """;

    private const string Chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    private const string Firefox = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari16 = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari13 = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    private const string OldIe = "image/png, image/svg+xml, image/jxr, image/*;q=0.8, */*;q=0.5";

    public static TheoryData<string, string, string?, string> Cases => new()
    {
        // uri, query (name=value pairs joined by &), Accept, expected canonical query
        { "/images/a.jpg", "w=400", Chrome, "w=400" },
        { "/images/a.jpg", "q=70&format=jpeg&fit=cover&h=300&w=400", Chrome, "w=400&h=300&fit=cover&format=jpeg&q=70" },
        { "/images/a.jpg", "W=400&FIT=Cover&Format=JPEG", Chrome, "w=400&fit=cover&format=jpeg" },
        { "/images/a.jpg", "w=0400&q=080", Chrome, "w=400&q=80" },
        { "/images/a.jpg", "w=0", Chrome, "w=0" },
        { "/images/a.jpg", "w=400&utm_source=mail&fbclid=abc&zoom=2", Chrome, "w=400" },
        { "/images/a.jpg", "w=400&w=500", Chrome, "w=400" },
        { "/images/a.jpg", "w=400&sig=AbC-_123", Chrome, "w=400&sig=AbC-_123" },
        { "/images/a.jpg", "sig=AbC&EXP=01800000000&w=400", Chrome, "w=400&sig=AbC&exp=1800000000" },
        { "/images/a.jpg", "", Chrome, "" },
        { "/images/a.jpg", "format=auto&w=300", Chrome, "w=300&format=webp" },
        { "/images/a.jpg", "format=auto&w=300", Firefox, "w=300&format=webp" },
        { "/images/a.jpg", "format=auto&w=300", Safari16, "w=300&format=webp" },
        { "/images/a.jpg", "format=auto&w=300", Safari13, "w=300&format=auto" },
        { "/images/a.jpg", "format=auto&w=300", OldIe, "w=300&format=auto" },
        { "/images/a.jpg", "format=AUTO", "image/webp;q=0, image/*", "format=auto" },
        { "/images/a.jpg", "format=auto", "IMAGE/WEBP", "format=webp" },
        { "/images/a.jpg", "format=auto", null, "format=auto" },
        { "/images/a.jpg", "format=webp", OldIe, "format=webp" },
        { "/uploads", "x=1&W=2", Chrome, "x=1&W=2" },
        { "/swagger/index.html", "format=auto", Chrome, "format=auto" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Canonicalises_the_query_of_image_requests(string uri, string query, string? accept, string expected)
    {
        var result = await RunAsync(uri, query, accept);
        Assert.Equal(expected, result.GetProperty("query").GetString());
        Assert.Equal("d111.cloudfront.net", result.GetProperty("host").GetString());
        Assert.Equal("https", result.GetProperty("proto").GetString());
    }

    private static async Task<JsonElement> RunAsync(string uri, string query, string? accept)
    {
        var pairs = query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=', 2)).Select(p => new[] { p[0], p.Length > 1 ? p[1] : "" }).ToArray();
        var cases = JsonSerializer.Serialize(new[] { new { uri, query = pairs, accept } });
        var script = Path.Combine(Path.GetTempPath(), $"cf-harness-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, Harness);
        try
        {
            var (exit, output) = await Repository.RunAsync("node", [script, Repository.PathOf("deploy", "cloudfront", "viewer-request.js")], cases);
            Assert.True(exit == 0, output);
            return JsonDocument.Parse(output).RootElement[0];
        }
        finally
        {
            File.Delete(script);
        }
    }
}
