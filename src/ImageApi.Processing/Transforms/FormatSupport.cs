using System.Text;

namespace ImageApi.Processing.Transforms;

/// <summary>The formats beyond JPEG and PNG a client takes, from its <c>Accept</c> header.</summary>
public readonly record struct FormatSupport(bool Webp, bool Avif)
{
    private const string WebpType = "image/webp";
    private const string AvifType = "image/avif";

    public static FormatSupport None => default;

    public static FormatSupport All => new(true, true);

    /// <summary>Every distinct value, each with its own <see cref="AcceptClass"/>.</summary>
    public static IReadOnlyList<FormatSupport> Classes { get; } = [All, new(Webp: true, Avif: false), new(Webp: false, Avif: true), None];

    /// <summary>
    /// The one <c>Accept</c> value CloudFront forwards (and caches on) for clients of this class, so the
    /// cache holds at most one <c>format=auto</c> answer per class, never one per browser's header.
    /// <see cref="FromAccept"/> of it is this value again; <c>deploy/cloudfront/viewer-request.js</c>
    /// writes the same strings (a test runs both on the same headers).
    /// </summary>
    public string AcceptClass => (Webp, Avif) switch
    {
        (true, true) => AvifType + "," + WebpType,
        (true, false) => WebpType,
        (false, true) => AvifType,
        _ => "image/jpeg",
    };

    /// <summary>
    /// What an <c>Accept</c> header (several headers joined with commas) says about WebP and AVIF. Only
    /// an explicit <c>image/webp</c> or <c>image/avif</c> with a quality above zero counts: every browser
    /// that decodes them lists them, while <c>image/*</c> and <c>*/*</c> are sent by clients that decode
    /// neither (older Safari, most HTTP libraries). A type listed with <c>q=0</c>, or with a quality that
    /// is not an RFC 9110 qvalue, is refused even when it is listed again elsewhere: when in doubt the
    /// answer is JPEG or PNG, which every client decodes.
    /// </summary>
    public static FormatSupport FromAccept(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return None;
        }

        bool webp = false, avif = false, webpRefused = false, avifRefused = false;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var type = Trim(parts[0]);
            var isWebp = Ascii.EqualsIgnoreCase(type, WebpType);
            if (!isWebp && !Ascii.EqualsIgnoreCase(type, AvifType))
            {
                continue;
            }

            var accepted = true;
            foreach (var parameter in parts.Skip(1))
            {
                var eq = parameter.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0 && Ascii.EqualsIgnoreCase(Trim(parameter[..eq]), "q"))
                {
                    accepted = IsPositiveQuality(Trim(parameter[(eq + 1)..]));
                }
            }

            if (isWebp)
            {
                (webp, webpRefused) = (webp || accepted, webpRefused || !accepted);
            }
            else
            {
                (avif, avifRefused) = (avif || accepted, avifRefused || !accepted);
            }
        }

        return new FormatSupport(webp && !webpRefused, avif && !avifRefused);
    }

    // HTTP's optional whitespace is spaces and tabs only; the CloudFront Function trims exactly these too.
    private static string Trim(string value) => value.Trim(' ', '\t');

    // RFC 9110 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]; true when it is valid and above zero.
    private static bool IsPositiveQuality(string q)
    {
        if (q.Length is 0 or > 5 || (q.Length > 1 && q[1] != '.'))
        {
            return false;
        }

        var fraction = q.Length > 2 ? q[2..] : "";
        return q[0] switch
        {
            '1' => fraction.All(c => c == '0'),
            '0' => fraction.All(char.IsAsciiDigit) && fraction.Any(c => c != '0'),
            _ => false,
        };
    }
}
