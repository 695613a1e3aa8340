using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImageApi.Tests.Security;

/// <summary>Who may ask for upload URLs: API keys, JWTs from a configured issuer, or anyone when allowed.</summary>
public sealed class UploadAuthTests
{
    private const string ApiKey = "upload-api-key-0123456789abcdef-xyz";

    private static JsonContent Body() => JsonContent.Create(new { fileName = "a.jpg", contentType = "image/jpeg", contentLength = 10 });

    [Fact]
    public async Task Without_anonymous_uploads_a_request_without_credentials_is_401()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowAnonymous"] = "false", ["Uploads:ApiKeys:0"] = ApiKey });
        var response = await factory.CreateClient().PostAsync("/uploads", Body());
        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("wrong-key-0123456789abcdef-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData(ApiKey + "x", HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData(ApiKey, HttpStatusCode.Created)]
    public async Task Api_keys_are_checked(string key, HttpStatusCode expected)
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Uploads:AllowAnonymous"] = "false",
            ["Uploads:ApiKeys:0"] = "another-api-key-0123456789abcdef-xyz",
            ["Uploads:ApiKeys:1"] = ApiKey,
        });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(expected, (await client.PostAsync("/uploads", Body())).StatusCode);
    }

    [Fact]
    public async Task Anonymous_uploads_work_only_when_configured_and_are_logged()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowAnonymous"] = "true" });
        Assert.Equal(HttpStatusCode.Created, (await factory.CreateClient().PostAsync("/uploads", Body())).StatusCode);
        Assert.Contains(factory.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Uploads are anonymous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jwts_from_the_configured_issuer_are_accepted_and_others_refused()
    {
        await using var issuer = await LocalIssuer.StartAsync();
        using var factory = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Uploads:AllowAnonymous"] = "false",
            ["Uploads:Jwt:Authority"] = issuer.Url,
            ["Uploads:Jwt:Audience"] = "imageapi",
            ["Uploads:Jwt:RequireHttpsMetadata"] = "false",
        });
        var client = factory.CreateClient();

        async Task<HttpStatusCode> PostWith(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads") { Content = Body() };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, await PostWith(issuer.Token("imageapi")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWith(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWith(issuer.Token("another-api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWith(issuer.Token("imageapi", expires: DateTime.UtcNow.AddMinutes(-10))));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWith(issuer.Token("imageapi", signedByStranger: true)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostWith("not.a.jwt"));
    }

    /// <summary>A minimal OpenID Connect issuer on a loopback port: discovery document, JWKS, and tokens.</summary>
    private sealed class LocalIssuer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly RsaSecurityKey _key;
        private readonly RsaSecurityKey _stranger = new(RSA.Create(2048)) { KeyId = "stranger" };

        private LocalIssuer(WebApplication app, RsaSecurityKey key, string url)
        {
            _app = app;
            _key = key;
            Url = url;
        }

        public string Url { get; }

        public static async Task<LocalIssuer> StartAsync()
        {
            var port = MotoServer.FreePort();
            var url = $"http://127.0.0.1:{port}";
            var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "issuer-key" };
            var publicKey = key.Rsa.ExportParameters(false);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = url, jwks_uri = url + "/jwks" }));
            app.MapGet("/jwks", () => Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(publicKey.Modulus), e = Base64UrlEncoder.Encode(publicKey.Exponent) },
                },
            }));
            await app.StartAsync();
            return new LocalIssuer(app, key, url);
        }

        public string Token(string audience, DateTime? expires = null, bool signedByStranger = false)
        {
            var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Url,
                Audience = audience,
                Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
                NotBefore = expiry.AddMinutes(-20),
                IssuedAt = expiry.AddMinutes(-20),
                Expires = expiry,
                SigningCredentials = new SigningCredentials(signedByStranger ? _stranger : _key, SecurityAlgorithms.RsaSha256),
            });
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
