using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using NetVips;

namespace ImageApi.Processing.Watermarks;

/// <summary>
/// One watermark as the pipeline applies it: the mark's pixels (decoded once, 8-bit sRGB with alpha)
/// and how it is placed, sized and blended. Immutable and shared by every render; two policies with the
/// same <see cref="Fingerprint"/> make the same pixels, and renditions are named by it.
/// </summary>
public sealed class WatermarkPolicy : IEquatable<WatermarkPolicy>
{
    /// <summary>Hex digits of the fingerprint: 40 bits, so two different marks of one site do not collide in practice.</summary>
    public const int FingerprintLength = 10;

    private readonly byte[] _rgba;

    private WatermarkPolicy(byte[] rgba, int width, int height, WatermarkSettings settings, string fingerprint)
    {
        _rgba = rgba;
        Width = width;
        Height = height;
        Settings = settings;
        Fingerprint = fingerprint;
    }

    /// <summary>The mark's own size in pixels.</summary>
    public int Width { get; }

    public int Height { get; }

    public WatermarkSettings Settings { get; }

    /// <summary>A short hash of the mark's bytes and every setting: lower-case hex, <see cref="FingerprintLength"/> digits.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Decodes the mark with the loaders and limits originals get (it is configuration, but a file anyone
    /// with bucket access can replace), and checks it is a PNG or WebP with transparency.
    /// </summary>
    /// <exception cref="InvalidWatermarkException">The bytes are not a usable mark; the message says why.</exception>
    public static WatermarkPolicy Create(byte[] image, WatermarkSettings settings, ProcessingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var format = SourceSniffer.Sniff(image, out var refused);
        if (format is not (SourceFormat.Png or SourceFormat.Webp))
        {
            throw new InvalidWatermarkException($"is not a PNG or WebP (it is {(format?.ToString().ToUpperInvariant() ?? refused ?? "not an image")}).");
        }

        Pipeline.SourceImageInfo info;
        try
        {
            info = SourceLoader.Inspect(image, limits);
        }
        catch (ImageRejectedException ex)
        {
            throw new InvalidWatermarkException("cannot be used: " + ex.Message, ex);
        }

        if (!info.HasAlpha)
        {
            throw new InvalidWatermarkException("has no alpha channel: a mark without transparency would cover a whole rectangle of every image.");
        }

        try
        {
            using var loaded = SourceLoader.Open(image, info.Format, access: Enums.Access.Random);
            using var upright = loaded.Autorot();
            using var srgb = upright.Colourspace(Enums.Interpretation.Srgb);
            using var eight = srgb.Format == Enums.BandFormat.Uchar ? srgb.Copy() : srgb.Cast(Enums.BandFormat.Uchar);
            if (eight.Bands != 4)
            {
                throw new InvalidWatermarkException($"has {eight.Bands} bands once in sRGB; a mark needs red, green, blue and alpha.");
            }

            return new WatermarkPolicy(eight.WriteToMemory<byte>(), eight.Width, eight.Height, settings, FingerprintOf(image, settings));
        }
        catch (VipsException ex)
        {
            throw new InvalidWatermarkException("cannot be decoded: " + SourceLoader.Undecodable(ex).Message, ex);
        }
    }

    /// <summary>Whether an output of this width gets the mark (thumbnails narrower than <see cref="WatermarkSettings.MinWidth"/> do not).</summary>
    public bool AppliesTo(int outputWidth) => outputWidth >= Settings.MinWidth;

    /// <summary>A new libvips image of the mark; each render owns its own, so no image is shared between threads.</summary>
    internal Image NewImage() =>
        Image.NewFromMemoryCopy<byte>(_rgba, Width, Height, 4, Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    public bool Equals(WatermarkPolicy? other) => other is not null && other.Fingerprint == Fingerprint;

    public override bool Equals(object? obj) => Equals(obj as WatermarkPolicy);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Fingerprint;

    // The settings in one fixed spelling after the bytes: any change to either is a new fingerprint.
    private static string FingerprintOf(byte[] image, WatermarkSettings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(image);
        hash.AppendData(Encoding.UTF8.GetBytes("\n" + settings.Canonical));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..FingerprintLength];
    }
}

/// <summary>How a mark is placed, sized and blended (the <c>Watermarks</c> settings other than the image).</summary>
/// <param name="Margin">Pixels when 1 or more (whole pixels), otherwise a fraction of the output's shorter side; with <see cref="WatermarkPlacement.Tile"/>, the space between tiles.</param>
/// <param name="Scale">The mark's width as a fraction of the output's width, 0.01 to 1; never more than twice its own width.</param>
/// <param name="Opacity">0 to 1: the mark's own alpha is multiplied by it.</param>
/// <param name="MinWidth">Outputs narrower than this are not marked; 0 marks every output.</param>
public sealed record WatermarkSettings(WatermarkPlacement Placement = WatermarkPlacement.SouthEast, double Margin = 0.02, double Scale = 0.2, double Opacity = 0.6, int MinWidth = 200)
{
    /// <summary>The mark is never enlarged past this multiple of its own size (it would blur).</summary>
    public const double MaxEnlargement = 2.0;

    /// <summary>Every setting in one spelling, for the fingerprint.</summary>
    public string Canonical => string.Create(CultureInfo.InvariantCulture,
        $"placement={WatermarkPlacements.NameOf(Placement)};margin={Margin:R};scale={Scale:R};opacity={Opacity:R};minwidth={MinWidth}");

    /// <summary>What is wrong with each setting, by its name in the <c>Watermarks</c> section; empty when all are valid.</summary>
    public IEnumerable<(string Setting, string Problem)> Problems()
    {
        if (!Enum.IsDefined(Placement))
        {
            yield return ("Gravity", $"must be one of {WatermarkPlacements.Names}");
        }

        if (!double.IsFinite(Margin) || Margin < 0 || (Margin >= 1 && Margin != Math.Floor(Margin)) || Margin > 10_000)
        {
            yield return ("Margin", string.Create(CultureInfo.InvariantCulture, $"must be whole pixels from 1 to 10000, or a fraction of the output's shorter side from 0 to below 1 (was {Margin})"));
        }

        if (!double.IsFinite(Scale) || Scale < 0.01 || Scale > 1)
        {
            yield return ("Scale", string.Create(CultureInfo.InvariantCulture, $"must be from 0.01 to 1, the mark's width as a fraction of the output's (was {Scale})"));
        }

        if (!double.IsFinite(Opacity) || Opacity < 0 || Opacity > 1)
        {
            yield return ("Opacity", string.Create(CultureInfo.InvariantCulture, $"must be from 0 to 1 (was {Opacity})"));
        }

        if (MinWidth < 0)
        {
            yield return ("MinWidth", $"must be 0 (mark every output) or more (was {MinWidth})");
        }
    }

    /// <exception cref="InvalidWatermarkException">A setting is out of range.</exception>
    internal void Validate()
    {
        if (Problems().FirstOrDefault() is { Setting: not null } problem)
        {
            throw new InvalidWatermarkException($"setting {problem.Setting} {problem.Problem}.");
        }
    }
}

/// <summary>A watermark image or setting that cannot be used. The message completes "The watermark …".</summary>
public sealed class InvalidWatermarkException(string problem, Exception? inner = null) : Exception(problem, inner)
{
    public string Problem { get; } = problem;
}
