using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Scales the image to the plan's scaled size with Lanczos-3 (libvips shrinks by box averaging first
/// when the factor is large). Alpha is premultiplied around the resize, so transparent pixels' hidden
/// colours never bleed into the edges.
/// </summary>
public sealed class ResizeStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var image = context.Image;
        var (width, height) = context.ScaledSizeAsStored;
        if (image.Width == width && image.Height == height)
        {
            return;
        }

        var hscale = (double)width / image.Width;
        var vscale = (double)height / image.Height;
        if (image.HasAlpha())
        {
            var format = image.Format;
            context.Image = image.Premultiply();
            context.Image = context.Image.Resize(hscale, vscale: vscale, kernel: Enums.Kernel.Lanczos3);
            context.Image = context.Image.Unpremultiply();
            context.Image = context.Image.Cast(format);
        }
        else
        {
            context.Image = image.Resize(hscale, vscale: vscale, kernel: Enums.Kernel.Lanczos3);
        }

        // Rounding in libvips can land a pixel off the plan; the plan wins.
        image = context.Image;
        if (image.Width != width || image.Height != height)
        {
            context.Image = image.Gravity(Enums.CompassDirection.Centre, width, height, extend: Enums.Extend.Copy);
        }
    }
}
