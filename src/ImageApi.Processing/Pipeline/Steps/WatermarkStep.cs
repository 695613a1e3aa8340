using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;
using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Composes the rendition's watermark (<see cref="Transforms.RenditionSpec.Watermark"/>) over the
/// output, after the fit and before alpha is flattened: at the output's own size, so the mark is as
/// crisp on a thumbnail cut from the intermediate as on a full-size rendition. The mark is resized
/// with premultiplied alpha, its alpha scaled by the opacity, and blended with libvips' <c>over</c>.
/// </summary>
public sealed class WatermarkStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (context.Spec.Watermark is not { } policy)
        {
            return;
        }

        // The mark's own images are set on the context too, which disposes every image set on it; the
        // output is the composite over this one.
        var image = context.Image;
        if (!policy.AppliesTo(image.Width))
        {
            return;
        }

        var settings = policy.Settings;
        var margin = MarginFor(settings, image.Width, image.Height);
        var (markWidth, markHeight) = MarkSize(policy, image.Width, image.Height, settings.Placement == WatermarkPlacement.Tile ? 0 : margin);
        var mark = Prepare(context, policy, markWidth, markHeight, settings.Opacity);

        int left, top;
        if (settings.Placement == WatermarkPlacement.Tile)
        {
            // One tile is the mark with half the spacing on each side, so neighbours are `margin` apart
            // and the pattern is the same from every edge.
            var half = margin / 2;
            var tile = mark.Embed(half, half, markWidth + margin, markHeight + margin, extend: Enums.Extend.Background, background: [0, 0, 0, 0]);
            context.Image = tile;
            var across = (image.Width / tile.Width) + 1;
            var down = (image.Height / tile.Height) + 1;
            context.Image = tile.Replicate(across, down);
            context.Image = context.Image.ExtractArea(0, 0, image.Width, image.Height);
            mark = context.Image;
            (left, top) = (0, 0);
        }
        else
        {
            (left, top) = Position(settings.Placement, image.Width, image.Height, markWidth, markHeight, margin);
        }

        var hadAlpha = image.HasAlpha();
        context.Image = image.Composite2(mark, Enums.BlendMode.Over, x: left, y: top);
        if (!hadAlpha)
        {
            // Over an opaque image the result is opaque: no alpha band for the encoder to spend bytes on.
            context.Image = context.Image.ExtractBand(0, n: 3);
        }

        if (context.Image.Format != Enums.BandFormat.Uchar)
        {
            context.Image = context.Image.Cast(Enums.BandFormat.Uchar);
        }
    }

    /// <summary>The margin in pixels: as configured when 1 or more, otherwise that fraction of the shorter side.</summary>
    public static int MarginFor(WatermarkSettings settings, int width, int height) =>
        settings.Margin >= 1 ? (int)settings.Margin : (int)Math.Round(settings.Margin * Math.Min(width, height));

    /// <summary>
    /// <see cref="WatermarkSettings.Scale"/> of the output's width, aspect kept, never more than
    /// <see cref="WatermarkSettings.MaxEnlargement"/> times the mark's own size, and never larger than
    /// the room inside the margins (a wide mark on a tall, narrow image).
    /// </summary>
    public static (int Width, int Height) MarkSize(WatermarkPolicy policy, int width, int height, int margin)
    {
        var factor = Math.Min(policy.Settings.Scale * width / policy.Width, WatermarkSettings.MaxEnlargement);
        var roomWidth = Math.Max(1, width - (2 * margin));
        var roomHeight = Math.Max(1, height - (2 * margin));
        factor = Math.Min(factor, Math.Min((double)roomWidth / policy.Width, (double)roomHeight / policy.Height));
        return (Math.Max(1, (int)Math.Round(policy.Width * factor)), Math.Max(1, (int)Math.Round(policy.Height * factor)));
    }

    /// <summary>Where the mark's top-left corner goes, for a placement other than tile.</summary>
    public static (int Left, int Top) Position(WatermarkPlacement placement, int width, int height, int markWidth, int markHeight, int margin)
    {
        // Placed in the room inside the margins.
        var (left, top) = (placement.AsCompass() ?? Compass.Center).Place(width - markWidth - (2 * margin), height - markHeight - (2 * margin));
        var (x, y) = (left + margin, top + margin);
        return (Math.Clamp(x, 0, Math.Max(0, width - markWidth)), Math.Clamp(y, 0, Math.Max(0, height - markHeight)));
    }

    // Resized premultiplied, so the colour of fully transparent pixels never bleeds into the mark's edge.
    private static Image Prepare(PipelineContext context, WatermarkPolicy policy, int width, int height, double opacity)
    {
        context.Image = policy.NewImage();
        var mark = context.Image;
        if (mark.Width != width || mark.Height != height)
        {
            context.Image = mark.Premultiply();
            context.Image = context.Image.Resize((double)width / mark.Width, vscale: (double)height / mark.Height, kernel: Enums.Kernel.Lanczos3);
            context.Image = context.Image.Unpremultiply();
            mark = context.Image;
            if (mark.Width != width || mark.Height != height)
            {
                context.Image = mark.Gravity(Enums.CompassDirection.Centre, width, height, extend: Enums.Extend.Copy);
                mark = context.Image;
            }
        }

        if (opacity < 1)
        {
            context.Image = mark.ExtractBand(0, n: 3).Bandjoin(mark[3] * opacity);
            mark = context.Image;
        }

        return mark;
    }
}
