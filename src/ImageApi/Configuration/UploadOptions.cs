namespace ImageApi.Configuration;

/// <summary>The <c>Uploads</c> section: what <c>POST /uploads</c> hands out.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    public static IReadOnlyList<string> DefaultContentTypes { get; } = ["image/jpeg", "image/png", "image/webp", "image/gif"];

    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Empty means <see cref="DefaultContentTypes"/> (configuration binding appends to lists, so defaults are applied after binding).</summary>
    public IList<string> AllowedContentTypes { get; set; } = [];

    public TimeSpan UrlExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Every upload key starts with this; S3 events for other keys are ignored.</summary>
    public string KeyPrefix { get; set; } = "uploads/";

    /// <summary>
    /// HMAC key for the embedded mode's upload URLs, at least 32 characters. Empty: a random key per
    /// process, so URLs die with a restart and do not work across instances.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Anyone may ask for an upload URL. Off unless configured: the embedded default's appsettings.json turns it on.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Keys accepted in the <c>X-Api-Key</c> header of <c>POST /uploads</c>, at least 32 characters each.</summary>
    public IList<string> ApiKeys { get; set; } = [];

    public JwtUploadOptions Jwt { get; set; } = new();

    /// <summary>
    /// Origins (<c>https://www.example.com</c>) whose pages may ask for tickets and, in the embedded mode,
    /// PUT to the upload URL (CORS). Empty: the service's own origin only. <c>*</c>: any.
    /// </summary>
    public IList<string> AllowedOrigins { get; set; } = [];
}

/// <summary>The <c>Uploads:Jwt</c> section: bearer tokens from an OpenID Connect issuer (Cognito, Entra ID, Auth0…).</summary>
public sealed class JwtUploadOptions
{
    /// <summary>The issuer's URL; its <c>/.well-known/openid-configuration</c> names the signing keys. Empty: no JWTs.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>aud</c> a token must carry.</summary>
    public string? Audience { get; set; }

    /// <summary>Only for a local issuer in development and tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
