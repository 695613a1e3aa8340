using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Converts to 8-bit sRGB, which is what every browser assumes of an untagged image: through the
/// embedded ICC profile when there is one (Display P3 photos, CMYK with its press profile), through
/// libvips' own CMYK profile for untagged CMYK, and by plain conversion for greyscale and 16-bit.
/// The profile itself is never written out.
/// </summary>
public sealed class ToSrgbStep : IPipelineStep
{
    private const string IccField = "icc-profile-data";

    public void Run(PipelineContext context)
    {
        var image = context.Image;
        var cmyk = image.Interpretation == Enums.Interpretation.Cmyk;
        if (image.Contains(IccField) || cmyk)
        {
            try
            {
                context.Image = image.IccTransform("srgb", embedded: true, inputProfile: cmyk ? "cmyk" : "srgb");
                image = context.Image;
            }
            catch (VipsException) when (!cmyk)
            {
                // A broken or unsupported profile: treat the pixels as the sRGB they most likely are.
            }
        }

        if (image.Interpretation != Enums.Interpretation.Srgb || image.Format != Enums.BandFormat.Uchar)
        {
            context.Image = image.Colourspace(Enums.Interpretation.Srgb);
            image = context.Image;
            if (image.Format != Enums.BandFormat.Uchar)
            {
                context.Image = image.Cast(Enums.BandFormat.Uchar);
            }
        }
    }
}
