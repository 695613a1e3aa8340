namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Turns the image upright as its EXIF orientation says (any format: libvips reads EXIF from JPEG,
/// PNG and WebP). Runs after the resize: a quarter turn needs the whole image in memory, and the
/// resized one is a fraction of the original.
/// </summary>
public sealed class OrientStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (!context.Oriented && context.Source.Orientation != 1)
        {
            // Rotating needs random access; the loader streams sequentially.
            context.Image = context.Image.CopyMemory();
            context.Image = context.Image.Autorot();
        }

        context.Oriented = true;
    }
}
