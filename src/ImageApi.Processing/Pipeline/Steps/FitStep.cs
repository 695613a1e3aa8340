using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Crops (<c>cover</c>) or pads (<c>contain</c>) the scaled, upright, turned image to the plan's box.
/// A crop starts where the plan's gravity put it, except <c>smart</c>, which libvips places on the
/// pixels (attention: skin tones, saturated colour, edges). Padding is <c>bg</c>; without it
/// transparent in formats with alpha, white in the others.
/// </summary>
public sealed class FitStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var plan = context.Plan;
        if (plan.Crops && context.Spec.Gravity == Gravity.Smart)
        {
            // smartcrop reads the image twice (to score, then to cut); the loader streams it once.
            context.Image = context.Image.CopyMemory();
            context.Image = context.Image.Smartcrop(plan.Width, plan.Height, interesting: Enums.Interesting.Attention);
        }
        else if (plan.Crops)
        {
            context.Image = context.Image.ExtractArea(plan.CropLeft, plan.CropTop, plan.Width, plan.Height);
        }
        else if (plan.Pads)
        {
            var image = context.Image;
            var alpha = context.Spec.Format.SupportsAlpha;
            if (alpha && !image.HasAlpha())
            {
                context.Image = image.Bandjoin(255);
                image = context.Image;
            }

            var colour = context.Spec.Background is { } given ? (alpha ? given : given.Opaque) : alpha ? Rgba.Transparent : Rgba.White;
            context.Image = image.Embed(plan.PadLeft, plan.PadTop, plan.Width, plan.Height, extend: Enums.Extend.Background, background: colour.Bands(image.HasAlpha()));
        }
    }
}
