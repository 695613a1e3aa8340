using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageApi.Processing.Naming;

namespace ImageApi.Uploads;

/// <summary>
/// Chooses the key of a new original: <c>&lt;prefix&gt;yyyy/MM/dd/&lt;random id&gt;/&lt;safe name&gt;</c>.
/// The random part makes it unique, so an upload never overwrites another's original.
/// </summary>
public static class UploadKeys
{
    private const int MaxNameLength = 80;

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = ".jpg",
        ["image/png"] = ".png",
        ["image/webp"] = ".webp",
        ["image/gif"] = ".gif",
    };

    public static SourceKey Create(string prefix, string fileName, string contentType, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var date = now.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);
        return SourceKey.Parse($"{prefix}{date}/{id}/{SafeName(fileName, contentType)}");
    }

    /// <summary>
    /// Letters and digits (of any script), '-', '_' and '.', at most 80 characters, with the extension
    /// of the content type: nothing a URL, a shell or a file system treats specially.
    /// </summary>
    public static string SafeName(string fileName, string contentType)
    {
        var baseName = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/')[^1]);
        var builder = new StringBuilder(baseName.Length);
        foreach (var c in baseName)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                builder.Append(c);
            }
            else if (builder.Length == 0 || builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var name = builder.ToString().Trim('-', '.', '_');
        if (name.Length > MaxNameLength)
        {
            name = name[..MaxNameLength].TrimEnd('-', '.', '_');
        }

        return (name.Length == 0 ? "image" : name) + Extensions.GetValueOrDefault(contentType, ".bin");
    }
}
