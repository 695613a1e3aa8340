using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Scales the image to the plan's scaled size with Lanczos-3 (libvips shrinks by box averaging first
/// when the factor is large), after the context's <see cref="PipelineContext.PreShrink"/> if any. Alpha
/// is premultiplied around the resize, so transparent pixels' hidden colours never bleed into the edges.
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

        var alpha = image.HasAlpha();
        var format = image.Format;
        if (alpha)
        {
            context.Image = image = image.Premultiply();
        }

        if (context.PreShrink > 1)
        {
            // Rounded up, as libjpeg's scaled decode is: never below the size the factor was chosen for.
            context.Image = image = image.Shrink(context.PreShrink, context.PreShrink, ceil: true);
        }

        context.Image = image.Resize((double)width / image.Width, vscale: (double)height / image.Height, kernel: Enums.Kernel.Lanczos3);
        if (alpha)
        {
            context.Image = context.Image.Unpremultiply();
            context.Image = context.Image.Cast(format);
        }

        // Rounding in libvips can land a pixel off the plan; the plan wins.
        image = context.Image;
        if (image.Width != width || image.Height != height)
        {
            context.Image = image.Gravity(Enums.CompassDirection.Centre, width, height, extend: Enums.Extend.Copy);
        }
    }
}
