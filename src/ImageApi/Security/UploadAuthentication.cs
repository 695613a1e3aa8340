using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ImageApi.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// Who may ask for upload URLs: holders of an API key (<c>X-Api-Key</c>), bearers of a JWT from the
/// configured issuer, or — only when configuration says so — anyone.
/// </summary>
internal static class UploadAuthentication
{
    public const string Policy = "uploads";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";

    public static IServiceCollection AddUploadAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // Read once here: the schemes a deployment uses are fixed at start-up (and validated there).
        var uploads = configuration.GetSection(UploadOptions.Section).Get<UploadOptions>() ?? new UploadOptions();
        var authentication = services.AddAuthentication();
        var schemes = new List<string>();
        if (uploads.ApiKeys.Count > 0)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null);
            schemes.Add(ApiKeyScheme);
        }

        if (!string.IsNullOrEmpty(uploads.Jwt.Authority))
        {
            authentication.AddJwtBearer(options =>
            {
                options.Authority = uploads.Jwt.Authority;
                options.Audience = uploads.Jwt.Audience;
                options.RequireHttpsMetadata = uploads.Jwt.RequireHttpsMetadata;
                options.MapInboundClaims = false;
            });
            schemes.Add(JwtBearerDefaults.AuthenticationScheme);
        }

        services.AddAuthorizationBuilder().AddPolicy(Policy, policy =>
        {
            if (uploads.AllowAnonymous)
            {
                policy.RequireAssertion(_ => true);
            }
            else
            {
                policy.AddAuthenticationSchemes([.. schemes]).RequireAuthenticatedUser();
            }
        });
        return services;
    }
}

/// <summary>Accepts a request whose <c>X-Api-Key</c> is one of <c>Uploads:ApiKeys</c>, compared in constant time.</summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<UploadOptions> uploads)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private readonly byte[][] _keys = uploads.Value.ApiKeys.Select(Hash).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[UploadAuthentication.ApiKeyHeader].FirstOrDefault() is not { Length: > 0 } given)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashing first makes every comparison the same length, so timing says nothing about the keys.
        var hash = Hash(given);
        var match = -1;
        for (var i = 0; i < _keys.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, _keys[i]))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, $"api-key-{match}")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = UploadAuthentication.ApiKeyScheme;
        return base.HandleChallengeAsync(properties);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
