using Microsoft.Extensions.Options;
using static ImageApi.Configuration.Validation.ConfigurationRules;

namespace ImageApi.Configuration.Validation;

/// <summary>Uploads:* — sizes, types, key prefix, origins and the ways to authenticate.</summary>
internal sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        var failures = new SettingFailures(UploadOptions.Section);
        failures.Require(options.MaxBytes >= 1, "MaxBytes", $"must be at least 1 (was {options.MaxBytes})");
        foreach (var origin in options.AllowedOrigins)
        {
            failures.Require(
                origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.GetLeftPart(UriPartial.Authority) == origin),
                "AllowedOrigins",
                $"must each be * or an origin like https://www.example.com, without a path or a trailing slash (had '{origin}')");
        }

        failures.Require(options.UrlExpiry >= TimeSpan.FromSeconds(10) && options.UrlExpiry <= TimeSpan.FromDays(7), "UrlExpiry", $"must be from 00:00:10 to 7.00:00:00 (was {options.UrlExpiry})");
        foreach (var type in options.AllowedContentTypes)
        {
            failures.Require(UploadOptions.DefaultContentTypes.Contains(type), "AllowedContentTypes", $"may only hold {string.Join(", ", UploadOptions.DefaultContentTypes)} (had '{type}')");
        }

        failures.Require(
            options.KeyPrefix.Length > 0 && options.KeyPrefix.EndsWith('/') && Processing.Naming.SourceKey.TryParse(options.KeyPrefix + "x", out _, out _),
            "KeyPrefix",
            $"must be a key prefix ending in '/' (was '{options.KeyPrefix}')");
        failures.Require(string.IsNullOrEmpty(options.SigningKey) || IsStrongKey(options.SigningKey), "SigningKey", $"must be at least 32 characters ({StrongKeyRule}), or empty for a random key per process");
        failures.Require(options.ApiKeys.All(IsStrongKey), "ApiKeys", $"must each be at least 32 characters ({StrongKeyRule})");
        var jwt = options.Jwt;
        failures.Require(
            string.IsNullOrEmpty(jwt.Authority) || IsHttpUrl(jwt.Authority),
            "Jwt:Authority",
            $"must be the issuer's absolute URL (was '{jwt.Authority}')");
        failures.Require(string.IsNullOrEmpty(jwt.Authority) || !string.IsNullOrEmpty(jwt.Audience), "Jwt:Audience", "is required with Uploads:Jwt:Authority");
        failures.Require(
            options.AllowAnonymous || options.ApiKeys.Count > 0 || !string.IsNullOrEmpty(jwt.Authority),
            "AllowAnonymous",
            "is false and no way to authenticate uploads is configured: set Uploads:ApiKeys or Uploads:Jwt:Authority, or Uploads:AllowAnonymous to true");
        return failures.Result;
    }
}
