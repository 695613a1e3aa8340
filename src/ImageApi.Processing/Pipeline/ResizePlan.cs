using ImageApi.Processing.Limits;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// The geometry of a rendition, worked out once from the original's (oriented) size before any pixel
/// is decoded: resize to <see cref="ScaledWidth"/>×<see cref="ScaledHeight"/>, then crop (cover) at
/// <see cref="CropLeft"/>,<see cref="CropTop"/> or pad (contain) to <see cref="Width"/>×<see cref="Height"/>.
/// Computed from the original's size only, so a rendition cut from the intermediate has exactly the
/// geometry of one made from the original. Every size and offset is in the output's frame: after
/// EXIF orientation and after <c>rot</c> and <c>flip</c>.
/// </summary>
public readonly record struct ResizePlan(int Width, int Height, int ScaledWidth, int ScaledHeight, FitMode Fit)
{
    private readonly int? _cropLeft;
    private readonly int? _cropTop;

    public bool Crops => Fit == FitMode.Cover && (ScaledWidth != Width || ScaledHeight != Height);

    public bool Pads => Fit == FitMode.Contain && (ScaledWidth != Width || ScaledHeight != Height);

    /// <summary>Where a cover crop starts in the scaled image: as the gravity says, centred unless set.</summary>
    public int CropLeft { get => _cropLeft ?? (ScaledWidth - Width) / 2; init => _cropLeft = value; }

    public int CropTop { get => _cropTop ?? (ScaledHeight - Height) / 2; init => _cropTop = value; }

    /// <summary>The scaled size, or its sides swapped (for an image that is not yet turned into the output's frame).</summary>
    public (int Width, int Height) Scaled(bool swapped) => swapped ? (ScaledHeight, ScaledWidth) : (ScaledWidth, ScaledHeight);

    /// <summary>Where a contain pad places the scaled image (centred).</summary>
    public int PadLeft => (Width - ScaledWidth) / 2;

    public int PadTop => (Height - ScaledHeight) / 2;

    public long Pixels => (long)Width * Height;

    /// <summary>Plans a rendition of a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> image, in the output's frame (upright, turned).</summary>
    /// <param name="allowEnlargement">
    /// Off: the output is never larger than the original in either dimension; a box larger than the
    /// original keeps its aspect ratio at the largest size the original allows.
    /// </param>
    /// <exception cref="OutputTooLargeException">The output would exceed <paramref name="maxWidth"/>×<paramref name="maxHeight"/>.</exception>
    public static ResizePlan For(int sourceWidth, int sourceHeight, RenditionSpec spec, int maxWidth, int maxHeight, bool allowEnlargement = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plan = spec.Fit switch
        {
            // A single dimension is always canonicalised to Inside, so the other modes have both.
            FitMode.Inside => Inside(sourceWidth, sourceHeight, spec.Width, spec.Height, allowEnlargement),
            _ => Box(sourceWidth, sourceHeight, spec.Width!.Value, spec.Height!.Value, spec.Fit, allowEnlargement),
        };

        if (plan.Width > maxWidth || plan.Height > maxHeight)
        {
            throw new OutputTooLargeException(plan.Width, plan.Height, maxWidth, maxHeight);
        }

        return plan.Crops ? Place(plan, spec) : plan;
    }

    /// <summary>
    /// The crop's offsets for the gravity: a side or corner of the output keeps that edge; a focal point
    /// (of the upright original, mapped through the turn) is put as near the crop's centre as the image
    /// allows. Smart crops are placed by the fit step on the pixels; they start centred here.
    /// </summary>
    private static ResizePlan Place(ResizePlan plan, RenditionSpec spec)
    {
        var (spareX, spareY) = (plan.ScaledWidth - plan.Width, plan.ScaledHeight - plan.Height);
        if (spec.Gravity == Gravity.Focal && spec.Focus is { } focus)
        {
            var (x, y) = spec.Turn.Map((double)focus.X, (double)focus.Y);
            return plan with
            {
                CropLeft = Math.Clamp((int)Math.Round((x * plan.ScaledWidth) - (plan.Width / 2.0)), 0, spareX),
                CropTop = Math.Clamp((int)Math.Round((y * plan.ScaledHeight) - (plan.Height / 2.0)), 0, spareY),
            };
        }

        // Smart is placed by libvips on the pixels (FitStep); focal without a point and auto are resolved before.
        var (left, top) = (spec.Gravity.AsCompass() ?? Compass.Center).Place(spareX, spareY);
        return plan with { CropLeft = left, CropTop = top };
    }

    private static ResizePlan Inside(int sourceWidth, int sourceHeight, int? width, int? height, bool allowEnlargement)
    {
        var scale = Math.Min(
            width is { } w ? (double)w / sourceWidth : double.PositiveInfinity,
            height is { } h ? (double)h / sourceHeight : double.PositiveInfinity);
        if (!allowEnlargement && scale >= 1.0)
        {
            return new ResizePlan(sourceWidth, sourceHeight, sourceWidth, sourceHeight, FitMode.Inside);
        }

        // Round the constrained side to the box exactly; never let a thin image collapse to zero.
        var outWidth = Math.Min(Math.Max(1, (int)Math.Round(sourceWidth * scale)), width ?? int.MaxValue);
        var outHeight = Math.Min(Math.Max(1, (int)Math.Round(sourceHeight * scale)), height ?? int.MaxValue);
        return new ResizePlan(outWidth, outHeight, outWidth, outHeight, FitMode.Inside);
    }

    private static ResizePlan Box(int sourceWidth, int sourceHeight, int width, int height, FitMode fit, bool allowEnlargement)
    {
        if (!allowEnlargement && (width > sourceWidth || height > sourceHeight))
        {
            var shrink = Math.Min((double)sourceWidth / width, (double)sourceHeight / height);
            width = Math.Clamp((int)Math.Round(width * shrink), 1, sourceWidth);
            height = Math.Clamp((int)Math.Round(height * shrink), 1, sourceHeight);
        }

        switch (fit)
        {
            case FitMode.Cover:
                var cover = Math.Max((double)width / sourceWidth, (double)height / sourceHeight);
                return new ResizePlan(width, height,
                    Math.Max(width, (int)Math.Round(sourceWidth * cover)),
                    Math.Max(height, (int)Math.Round(sourceHeight * cover)),
                    FitMode.Cover);
            case FitMode.Contain:
                var contain = Math.Min((double)width / sourceWidth, (double)height / sourceHeight);
                return new ResizePlan(width, height,
                    Math.Clamp((int)Math.Round(sourceWidth * contain), 1, width),
                    Math.Clamp((int)Math.Round(sourceHeight * contain), 1, height),
                    FitMode.Contain);
            default:
                return new ResizePlan(width, height, width, height, FitMode.Fill);
        }
    }
}
