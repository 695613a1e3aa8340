using ImageApi.Processing.Watermarks;

namespace ImageApi.Configuration;

/// <summary>The <c>Watermarks</c> section: the mark every rendition of a covered original carries.</summary>
public sealed class WatermarkOptions
{
    public const string Section = "Watermarks";

    public const string S3Scheme = "s3://";

    /// <summary>
    /// The mark, a PNG or WebP with alpha: a file path (relative to the app's folder, so a file deployed
    /// with the function works) or <c>s3://bucket/key</c>, read with the service's S3 client. Empty: no watermark.
    /// </summary>
    public string Image { get; set; } = "";

    /// <summary>center, north, south, east, west, northeast, northwest, southeast, southwest, or tile.</summary>
    public string Gravity { get; set; } = "southeast";

    /// <summary>Pixels when 1 or more, otherwise a fraction of the output's shorter side; with tile, the space between tiles.</summary>
    public double Margin { get; set; } = 0.02;

    /// <summary>The mark's width as a fraction of the output's width, 0.01 to 1 (never more than twice the mark's own size).</summary>
    public double Scale { get; set; } = 0.2;

    /// <summary>0 to 1.</summary>
    public double Opacity { get; set; } = 0.6;

    /// <summary>Outputs narrower than this are not marked (thumbnails); 0 marks every output.</summary>
    public int MinWidth { get; set; } = 200;

    /// <summary>The originals the mark covers, as prefixes of their keys; empty covers every original.</summary>
    public IList<string> KeyPrefixes { get; set; } = [];

    /// <summary>How often an <c>s3://</c> mark's ETag is checked; a new ETag is read, and renditions get new names.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Image);

    public bool IsS3 => Image.StartsWith(S3Scheme, StringComparison.Ordinal);

    /// <summary>The bucket and key of an <c>s3://</c> mark (either may be empty when it is written wrong).</summary>
    public (string Bucket, string Key) S3Location
    {
        get
        {
            var rest = Image[S3Scheme.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
        }
    }

    /// <summary>The settings as the pipeline takes them; an unknown gravity is an undefined placement, which validation names.</summary>
    public WatermarkSettings Settings => new(WatermarkPlacements.Find(Gravity) ?? (WatermarkPlacement)(-1), Margin, Scale, Opacity, MinWidth);
}
