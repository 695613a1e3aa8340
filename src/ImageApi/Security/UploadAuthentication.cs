using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ImageApi.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
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

    internal const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    public static IServiceCollection AddUploadAuthentication(this IServiceCollection services)
    {
        // Both schemes always exist; Uploads:* decides at run time which can succeed. A scheme with
        // nothing configured finds no credentials it accepts.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null)
            .AddJwtBearer();

        // AddAuthentication brings data protection and its hosted service, which reads (or, on a fresh
        // Lambda instance, creates and writes) the key ring at start-up: about 30 ms of every cold start.
        // Nothing here protects data (API keys and bearer tokens need no keys); should something ever
        // ask for it, the key ring is read on that first use instead.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == DataProtectionHostedService) is { } preload)
        {
            services.Remove(preload);
        }
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<UploadOptions>>((options, uploads) =>
        {
            var jwt = uploads.Value.Jwt;
            if (!string.IsNullOrEmpty(jwt.Authority))
            {
                options.Authority = jwt.Authority;
                options.Audience = jwt.Audience;
                options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            }

            options.MapInboundClaims = false;
        });
        services.AddSingleton<IAuthorizationHandler, UploadAccessHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyScheme, JwtBearerDefaults.AuthenticationScheme)
            .AddRequirements(new UploadAccessRequirement()));
        return services;
    }
}

/// <summary>Uploads need an authenticated caller unless <c>Uploads:AllowAnonymous</c> is on.</summary>
internal sealed class UploadAccessRequirement : IAuthorizationRequirement;

internal sealed class UploadAccessHandler(IOptions<UploadOptions> uploads) : AuthorizationHandler<UploadAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UploadAccessRequirement requirement)
    {
        if (uploads.Value.AllowAnonymous || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
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
