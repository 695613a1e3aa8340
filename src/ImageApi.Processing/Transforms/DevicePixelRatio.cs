namespace ImageApi.Processing.Transforms;

/// <summary>
/// Folds <c>dpr</c> into <c>w</c> and <c>h</c>, so a ratio never reaches the stored name on its own.
/// <c>deploy/cloudfront/viewer-request.js</c> does the same sums at the edge (a test runs both on the
/// same requests); both round halves up and compute in IEEE doubles, so they agree to the pixel.
/// </summary>
public static class DevicePixelRatio
{
    /// <summary>
    /// Multiplies the box by <paramref name="ratio"/>, by less where that would pass the maximum size
    /// (the box keeps its shape). With allowed widths, <c>w</c> then becomes the smallest allowed width
    /// at least that large (the largest allowed one if none is), and <c>h</c> follows it.
    /// </summary>
    public static (int? Width, int? Height) Fold(int? width, int? height, decimal ratio, int maxWidth, int maxHeight, IEnumerable<int> allowedWidths)
    {
        var factor = (double)ratio;
        if (width is { } w)
        {
            factor = Math.Min(factor, (double)maxWidth / w);
        }

        if (height is { } h)
        {
            factor = Math.Min(factor, (double)maxHeight / h);
        }

        factor = Math.Max(factor, 1);
        int? outWidth = width is { } ww ? Round(ww * factor) : null;
        int? outHeight = height is { } hh ? Round(hh * factor) : null;

        var allowed = allowedWidths.Order().ToList();
        if (outWidth is { } scaled && width is { } given && allowed.Count > 0)
        {
            var snapped = allowed.FirstOrDefault(a => a >= scaled, allowed[^1]);
            outWidth = snapped;
            if (height is { } tall)
            {
                outHeight = Math.Min(maxHeight, Math.Max(1, Round((double)tall * snapped / given)));
            }
        }

        return (outWidth, outHeight);
    }

    // JavaScript's Math.round for positive numbers: halves go up.
    private static int Round(double value) => (int)Math.Floor(value + 0.5);
}
