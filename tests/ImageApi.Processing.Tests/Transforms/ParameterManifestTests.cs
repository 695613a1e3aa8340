using System.Diagnostics;
using System.Text.Json;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

/// <summary>
/// The parameter table, deploy/cloudfront/parameters.json, the CloudFront Function's generated block
/// and serverless.template say the same thing. After changing the table: run these tests with
/// IMAGEAPI_UPDATE_GENERATED=1 (writes parameters.json), then deploy/sync-template.py.
/// </summary>
public class ParameterManifestTests
{
    private static readonly string Root = Repository.Root;

    private static string PathOf(string relative) => Path.Combine(Root, relative);

    [Fact]
    public void The_exported_table_is_the_table()
    {
        var path = PathOf(ParameterManifest.RelativePath);
        var expected = ParameterManifest.ToJson();
        if (Environment.GetEnvironmentVariable("IMAGEAPI_UPDATE_GENERATED") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{ParameterManifest.RelativePath} is missing; run the tests with IMAGEAPI_UPDATE_GENERATED=1.");
        Assert.True(expected == File.ReadAllText(path),
            $"{ParameterManifest.RelativePath} differs from TransformParameters; run the tests with IMAGEAPI_UPDATE_GENERATED=1, then deploy/sync-template.py. Expected:\n{expected}");
    }

    [Fact]
    public void The_export_says_what_the_function_needs_of_each_parameter()
    {
        using var manifest = JsonDocument.Parse(ParameterManifest.ToJson());
        var parameters = manifest.RootElement.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(TransformParameters.All.Select(p => p.Name), parameters.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["w", "h", "q", "exp"], parameters.Where(p => p.GetProperty("numeric").GetBoolean()).Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["sig"], parameters.Where(p => p.GetProperty("preservesCase").GetBoolean()).Select(p => p.GetProperty("name").GetString()));
        Assert.All(parameters, p => Assert.Equal(JsonValueKind.Array, p.GetProperty("aliases").ValueKind));
    }

    [Fact]
    public async Task The_function_and_the_template_are_generated_from_the_export()
    {
        var (exit, output) = await RunSyncAsync(Root, "--check");
        Assert.True(exit == 0, "deploy/sync-template.py --check: " + output);
    }

    [Fact]
    public void The_cache_key_has_exactly_the_table_and_the_accept_class()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(PathOf("serverless.template")));
        var resources = template.RootElement.GetProperty("Resources");
        var key = resources.GetProperty("ImageCachePolicy").GetProperty("Properties").GetProperty("CachePolicyConfig").GetProperty("ParametersInCacheKeyAndForwardedToOrigin");
        var query = key.GetProperty("QueryStringsConfig");
        Assert.Equal("whitelist", query.GetProperty("QueryStringBehavior").GetString());
        Assert.Equal(TransformParameters.All.Select(p => p.Name), query.GetProperty("QueryStrings").EnumerateArray().Select(q => q.GetString()));
        var headers = key.GetProperty("HeadersConfig");
        Assert.Equal("whitelist", headers.GetProperty("HeaderBehavior").GetString());
        Assert.Equal(["Accept"], headers.GetProperty("Headers").EnumerateArray().Select(h => h.GetString()));

        var inline = resources.GetProperty("ViewerRequestFunction").GetProperty("Properties").GetProperty("FunctionCode").GetString();
        Assert.Equal(File.ReadAllText(PathOf("deploy/cloudfront/viewer-request.js")), inline);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("function")]
    [InlineData("template")]
    public async Task The_check_fails_when_any_of_them_differs(string changed)
    {
        // A copy of the three files, one of them out of step, checked by the same script.
        var copy = Path.Combine(Path.GetTempPath(), "imageapi-sync-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var file in new[] { "deploy/sync-template.py", ParameterManifest.RelativePath, "deploy/cloudfront/viewer-request.js", "serverless.template" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
                File.Copy(PathOf(file), Path.Combine(copy, file));
            }

            var (path, from, to) = changed switch
            {
                "table" => (ParameterManifest.RelativePath, "\"name\": \"q\"", "\"name\": \"quality\""),
                "function" => ("deploy/cloudfront/viewer-request.js", "'exp': true", "'exp': false"),
                _ => ("serverless.template", "\"fit\",\n", "\"fitting\",\n"),
            };
            var text = File.ReadAllText(Path.Combine(copy, path));
            Assert.Contains(from, text, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(copy, path), text.Replace(from, to, StringComparison.Ordinal));

            var (exit, output) = await RunSyncAsync(copy, "--check");
            Assert.True(exit == 1, output);
            Assert.Contains("differs", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static Task<(int Exit, string Output)> RunSyncAsync(string root, string argument) =>
        Repository.RunAsync("python3", [Path.Combine(root, "deploy", "sync-template.py"), argument], workingDirectory: root);
}
