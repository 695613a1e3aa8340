using ImageApi.Processing.Limits;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// The geometry of a rendition, worked out from the original's (oriented) size before any pixel is
/// decoded: resize to <see cref="ScaledWidth"/>×<see cref="ScaledHeight"/>, then crop (cover) or pad
/// (contain) to <see cref="Width"/>×<see cref="Height"/>. Computed from the original's size only, so a
/// rendition cut from the intermediate has exactly the geometry of one made from the original.
/// </summary>
public readonly record struct ResizePlan(int Width, int Height, int ScaledWidth, int ScaledHeight, FitMode Fit)
{
    public bool Crops => Fit == FitMode.Cover && (ScaledWidth != Width || ScaledHeight != Height);

    public bool Pads => Fit == FitMode.Contain && (ScaledWidth != Width || ScaledHeight != Height);

    /// <summary>Plans a rendition of a (correctly oriented) <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> image.</summary>
    /// <exception cref="OutputTooLargeException">The output would exceed <paramref name="maxWidth"/>×<paramref name="maxHeight"/>.</exception>
    public static ResizePlan For(int sourceWidth, int sourceHeight, RenditionSpec spec, int maxWidth, int maxHeight)
    {
        var plan = spec.Fit switch
        {
            // A single dimension is always canonicalised to Inside, so the other modes have both.
            FitMode.Cover => Cover(sourceWidth, sourceHeight, spec.Width!.Value, spec.Height!.Value),
            FitMode.Contain => Contain(sourceWidth, sourceHeight, spec.Width!.Value, spec.Height!.Value),
            FitMode.Fill => new ResizePlan(spec.Width!.Value, spec.Height!.Value, spec.Width.Value, spec.Height.Value, FitMode.Fill),
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
            return new ResizePlan(sourceWidth, sourceHeight, sourceWidth, sourceHeight, FitMode.Inside);
        }

        // Round the constrained side to the box exactly; never let a thin image collapse to zero.
        var outWidth = Math.Min(Math.Max(1, (int)Math.Round(sourceWidth * scale)), width ?? int.MaxValue);
        var outHeight = Math.Min(Math.Max(1, (int)Math.Round(sourceHeight * scale)), height ?? int.MaxValue);
        return new ResizePlan(outWidth, outHeight, outWidth, outHeight, FitMode.Inside);
    }

    private static ResizePlan Cover(int sourceWidth, int sourceHeight, int width, int height)
    {
        var scale = Math.Max((double)width / sourceWidth, (double)height / sourceHeight);
        return new ResizePlan(
            width,
            height,
            Math.Max(width, (int)Math.Round(sourceWidth * scale)),
            Math.Max(height, (int)Math.Round(sourceHeight * scale)),
            FitMode.Cover);
    }

    private static ResizePlan Contain(int sourceWidth, int sourceHeight, int width, int height)
    {
        var scale = Math.Min((double)width / sourceWidth, (double)height / sourceHeight);
        return new ResizePlan(
            width,
            height,
            Math.Clamp((int)Math.Round(sourceWidth * scale), 1, width),
            Math.Clamp((int)Math.Round(sourceHeight * scale), 1, height),
            FitMode.Contain);
    }
}
