using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ImageApi.Processing.Naming;

/// <summary>
/// The key of an original in the source store. Validated once, here, for every path that takes a key
/// from outside (uploads, image requests, S3 events), so no store ever sees a key that could escape
/// its root or mean two different things on two different stores.
/// </summary>
public sealed record SourceKey
{
    /// <summary>
    /// S3 allows 1024 bytes; renditions live under <c>processed/&lt;key&gt;/&lt;variant&gt;</c>, which must fit too.
    /// </summary>
    public const int MaxBytes = 900;

    private SourceKey(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static SourceKey Parse(string key) =>
        TryParse(key, out var parsed, out var error) ? parsed : throw new InvalidKeyException(key, error);

    public static bool TryParse(string? key, [NotNullWhen(true)] out SourceKey? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        error = Validate(key);
        if (error is not null)
        {
            return false;
        }

        parsed = new SourceKey(key!);
        return true;
    }

    private static string? Validate(string? key) => ObjectKeyRules.Validate(key, MaxBytes);
}

/// <summary>The rules every key obeys, in every store: the source's, the destination's, and the folder's.</summary>
public static class ObjectKeyRules
{
    /// <summary>S3's own limit.</summary>
    public const int MaxBytes = 1024;

    /// <returns>Null when <paramref name="key"/> is acceptable, otherwise why not.</returns>
    public static string? Validate(string? key, int maxBytes = MaxBytes)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty.";
        }

        if (Encoding.UTF8.GetByteCount(key) > maxBytes)
        {
            return $"The key is longer than {maxBytes} bytes.";
        }

        if (key[0] == '/')
        {
            return "The key must not start with '/'.";
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsControl(c))
            {
                return "The key must not contain control characters.";
            }

            if (c == '\\')
            {
                return "The key must not contain backslashes.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "The key is not valid Unicode.";
            }
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "The key must not contain empty segments ('//') or end with '/'.";
            }

            if (segment is "." or "..")
            {
                return "The key must not contain '.' or '..' segments.";
            }
        }

        return null;
    }
}

public sealed class InvalidKeyException(string key, string reason)
    : Exception($"Invalid key: {reason}")
{
    public string Key { get; } = key;
    public string Reason { get; } = reason;
}
