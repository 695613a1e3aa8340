using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Security;
using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// Requires a valid <c>sig</c> on transform requests when <c>Signing:Required</c> is on. The default
/// rendition (no transform parameters) is exempt: it is made at upload anyway and costs nothing to serve.
/// </summary>
public sealed class SignaturePolicy(IOptions<SigningOptions> options, TimeProvider time)
{
    private readonly TransformSigner? _signer = options.Value.Keys.Count > 0 ? new TransformSigner(options.Value.Keys) : null;

    public bool Required => options.Value.Required;

    /// <exception cref="SignatureRejectedException">Signing is required and the signature is missing, wrong or expired.</exception>
    public void Demand(SourceKey key, ParsedTransform transform)
    {
        if (!Required || transform.SignedQuery.Length == 0)
        {
            return;
        }

        var check = _signer!.Verify(key, transform, time.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            throw new SignatureRejectedException(check);
        }
    }

    /// <summary>Whether the request carries a valid, unexpired signature by one of the configured keys, required or not.</summary>
    public bool IsValidlySigned(SourceKey key, ParsedTransform transform) =>
        _signer is not null && _signer.Verify(key, transform, time.GetUtcNow()) == SignatureCheck.Valid;
}

public sealed class SignatureRejectedException(SignatureCheck check) : Exception(check switch
{
    SignatureCheck.Missing => "This service requires signed image URLs: the 'sig' parameter is missing.",
    SignatureCheck.Expired => "The signed image URL has expired ('exp' is in the past).",
    _ => "The image URL's signature does not match its key and parameters.",
})
{
    public SignatureCheck Check { get; } = check;
}
