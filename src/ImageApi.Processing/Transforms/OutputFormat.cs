namespace ImageApi.Processing.Transforms;

/// <summary>A concrete encoding a rendition is stored in.</summary>
public enum OutputFormat
{
    Webp,
    Jpeg,
    Png,
    Gif,
}

/// <summary>The format a request asks for: a concrete one, or <see cref="Auto"/> to negotiate on <c>Accept</c>.</summary>
public enum RequestedFormat
{
    Webp,
    Jpeg,
    Png,
    Gif,
    Auto,
}

public static class OutputFormats
{
    public static string Extension(this OutputFormat format) => format switch
    {
        OutputFormat.Webp => "webp",
        OutputFormat.Jpeg => "jpg",
        OutputFormat.Png => "png",
        OutputFormat.Gif => "gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string ContentType(this OutputFormat format) => format switch
    {
        OutputFormat.Webp => "image/webp",
        OutputFormat.Jpeg => "image/jpeg",
        OutputFormat.Png => "image/png",
        OutputFormat.Gif => "image/gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Quality only changes the bytes of lossy encodings; PNG and GIF ignore it.</summary>
    public static bool IsLossy(this OutputFormat format) => format is OutputFormat.Webp or OutputFormat.Jpeg;

    public static bool SupportsTransparency(this OutputFormat format) => format is not OutputFormat.Jpeg;

    public static RequestedFormat AsRequested(this OutputFormat format) => format switch
    {
        OutputFormat.Webp => RequestedFormat.Webp,
        OutputFormat.Jpeg => RequestedFormat.Jpeg,
        OutputFormat.Png => RequestedFormat.Png,
        OutputFormat.Gif => RequestedFormat.Gif,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
