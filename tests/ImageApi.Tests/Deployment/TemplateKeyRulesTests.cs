using System.Text.Json;
using System.Text.RegularExpressions;
using ImageApi.Configuration;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>The SAM template refuses the keys the app refuses at start-up, and JwtAuthority without JwtAudience.</summary>
public sealed class TemplateKeyRulesTests
{
    private static readonly JsonElement Template = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("serverless.template"))).RootElement;

    public static TheoryData<string, string> KeysAndParameters()
    {
        string[] keys =
        [
            new string(' ', 32), new string('a', 32), string.Concat(Enumerable.Repeat("abcd", 10)), string.Concat(Enumerable.Repeat("0123456", 6)),
            "correct horse battery staple, surely", "short-but-varied-0123", "Y5m0Qe3s8rVt1LwK2pXzA7dNfBgHjC4u",
            "2f1c9a7e4b6d8f0a3c5e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo=",
            "tab\tinside0123456789abcdefghijklmnop", "ünïcödé-0123456789abcdefghijklmnopq",
        ];
        var data = new TheoryData<string, string>();
        foreach (var parameter in new[] { "UploadApiKey", "TransformSigningKey" })
        {
            foreach (var key in keys)
            {
                data.Add(parameter, key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeysAndParameters))]
    public void The_key_parameters_allow_exactly_the_keys_the_app_accepts(string parameter, string key)
    {
        var pattern = Template.GetProperty("Parameters").GetProperty(parameter).GetProperty("AllowedPattern").GetString()!;
        Assert.Matches(new Regex(pattern), "");
        Assert.Equal(ImageApi.Configuration.Validation.ConfigurationRules.IsStrongKey(key), Regex.IsMatch(key, pattern));
    }

    [Fact]
    public void Jwt_authority_requires_an_audience()
    {
        var rule = Template.GetProperty("Rules").GetProperty("JwtAuthorityNeedsAudience").ToString();
        Assert.Contains("\"JwtAuthority\"", rule, StringComparison.Ordinal);
        Assert.Contains("\"JwtAudience\"", rule, StringComparison.Ordinal);
    }
}
