using System.Security.Cryptography;
using System.Text;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Security;

/// <summary>
/// HMAC-SHA256 signatures of transform URLs. What is signed is
/// <c>&lt;key&gt;\n&lt;canonical query&gt;</c>: the original's key and the signed transform parameters
/// that were given, as <see cref="TransformParser"/> writes them into <see cref="ParsedTransform.SignedQuery"/>:
/// in the parameter table's order (<c>w, h, fit, format, q, exp</c>, then the newer ones), canonical
/// names and values (aliases replaced, <c>dpr</c> folded into <c>w</c> and <c>h</c>), values lower-case,
/// numbers without leading or trailing zeros, without <c>sig</c>. <c>format=auto</c> is signed as <c>auto</c>: the
/// format is negotiated at the origin, so the query CloudFront forwards is the one that was signed.
/// The signature is base64url without padding.
/// Several keys are accepted at once, so a key can be rotated; the first one signs.
/// </summary>
public sealed class TransformSigner
{
    private readonly byte[][] _keys;

    public TransformSigner(IEnumerable<string> keys)
    {
        _keys = keys.Select(Encoding.UTF8.GetBytes).ToArray();
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one signing key is needed.", nameof(keys));
        }
    }

    public static string Payload(SourceKey key, string signedQuery) => key.Value + "\n" + signedQuery;

    public string Sign(SourceKey key, string signedQuery) => Sign(_keys[0], Payload(key, signedQuery));

    /// <summary>Checks <paramref name="transform"/>'s signature against every key, in constant time per key.</summary>
    public SignatureCheck Verify(SourceKey key, ParsedTransform transform, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(transform.Signature))
        {
            return SignatureCheck.Missing;
        }

        if (!TryDecode(transform.Signature, out var given))
        {
            return SignatureCheck.Invalid;
        }

        var payload = Encoding.UTF8.GetBytes(Payload(key, transform.SignedQuery));
        var valid = false;
        foreach (var secret in _keys)
        {
            // Every key is tried, so the time taken does not say which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, payload), given);
        }

        if (!valid)
        {
            return SignatureCheck.Invalid;
        }

        return transform.Expires is { } expires && now > expires ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private static string Sign(byte[] secret, string payload) => Encode(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(payload)));

    private static string Encode(byte[] hash) => Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string signature, out byte[] bytes)
    {
        bytes = [];
        if (signature.Length != 43)
        {
            return false;
        }

        // Only the canonical spelling: the base64url alphabet (no '+' or '/') and the last character's
        // two spare bits zero. Any other spelling of the same bytes would be another CDN cache entry.
        if (!signature.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        var base64 = signature.Replace('-', '+').Replace('_', '/') + "=";
        var buffer = new byte[32];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written != 32
            || !string.Equals(Encode(buffer), signature, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = buffer;
        return true;
    }
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Invalid,
    Expired,
}
