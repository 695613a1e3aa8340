using ImageApi.Processing.Limits;
using ImageApi.Processing.Transforms;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Pipeline;

/// <summary>The output size of a rendition, worked out from the source size before any pixel is decoded.</summary>
public readonly record struct ResizePlan(int Width, int Height, ResizeMode Mode, bool Resizes)
{
    /// <summary>Plans the resize of a (correctly oriented) <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> image.</summary>
    /// <exception cref="OutputTooLargeException">The output would exceed <paramref name="maxWidth"/>×<paramref name="maxHeight"/>.</exception>
    public static ResizePlan For(int sourceWidth, int sourceHeight, RenditionSpec spec, int maxWidth, int maxHeight)
    {
        var plan = spec.Fit switch
        {
            // A single dimension is always canonicalised to Inside, so the other modes have both.
            FitMode.Cover => new ResizePlan(spec.Width!.Value, spec.Height!.Value, ResizeMode.Crop, true),
            FitMode.Contain => new ResizePlan(spec.Width!.Value, spec.Height!.Value, ResizeMode.Pad, true),
            FitMode.Fill => new ResizePlan(spec.Width!.Value, spec.Height!.Value, ResizeMode.Stretch, true),
            _ => Inside(sourceWidth, sourceHeight, spec.Width, spec.Height),
        };

        if (plan.Width > maxWidth || plan.Height > maxHeight)
        {
            throw new OutputTooLargeException(plan.Width, plan.Height, maxWidth, maxHeight);
        }

        return plan;
    }

    private static ResizePlan Inside(int sourceWidth, int sourceHeight, int? width, int? height)
    {
        var scale = Math.Min(1.0, Math.Min(
            width is { } w ? (double)w / sourceWidth : double.PositiveInfinity,
            height is { } h ? (double)h / sourceHeight : double.PositiveInfinity));
        if (scale >= 1.0)
        {
            return new ResizePlan(sourceWidth, sourceHeight, ResizeMode.Stretch, false);
        }

        // Round the constrained side to the box exactly; never let a thin image collapse to zero.
        var outWidth = Math.Max(1, (int)Math.Round(sourceWidth * scale));
        var outHeight = Math.Max(1, (int)Math.Round(sourceHeight * scale));
        return new ResizePlan(
            width is { } bw ? Math.Min(outWidth, bw) : outWidth,
            height is { } bh ? Math.Min(outHeight, bh) : outHeight,
            ResizeMode.Stretch,
            true);
    }
}
