using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Opens the bytes with their format's loader, shrinking on load where the format can: a JPEG is
/// decoded at 1/2, 1/4 or 1/8 scale by libjpeg's DCT scaling, a WebP scaled by libwebp while it is
/// decoded, whenever the output is at least that much smaller. The resize step does the rest.
/// </summary>
public sealed class LoadStep(bool shrinkOnLoad) : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var source = context.Source;
        var (width, height) = context.ScaledSizeAsStored;
        var shrink = shrinkOnLoad ? ShrinkFor(source.Format, source.StoredWidth, source.StoredHeight, width, height) : 1;
        context.Image = SourceLoader.Open(context.Bytes, source.Format, shrink);
    }

    /// <summary>The largest factor that leaves the decoded image at least as large as needed (libjpeg rounds up).</summary>
    public static int ShrinkFor(SourceFormat format, int storedWidth, int storedHeight, int neededWidth, int neededHeight)
    {
        int[] factors = format switch
        {
            SourceFormat.Jpeg => [8, 4, 2],
            SourceFormat.Webp => [8, 7, 6, 5, 4, 3, 2],
            _ => [],
        };
        foreach (var factor in factors)
        {
            if (Ceiling(storedWidth, factor) >= neededWidth && Ceiling(storedHeight, factor) >= neededHeight)
            {
                return factor;
            }
        }

        return 1;
    }

    private static int Ceiling(int size, int factor) => (size + factor - 1) / factor;
}
