using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Crops (<c>cover</c>) or pads (<c>contain</c>) the scaled, upright image to the plan's box. Padding
/// is transparent in formats with alpha, white in the others.
/// </summary>
public sealed class FitStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var plan = context.Plan;
        if (plan.Crops)
        {
            context.Image = context.Image.ExtractArea(plan.CropLeft, plan.CropTop, plan.Width, plan.Height);
        }
        else if (plan.Pads)
        {
            var image = context.Image;
            double[] background = [255, 255, 255];
            if (context.Spec.Format.SupportsAlpha)
            {
                if (!image.HasAlpha())
                {
                    context.Image = image.Bandjoin(255);
                    image = context.Image;
                }

                background = [0, 0, 0, 0];
            }
            else if (image.HasAlpha())
            {
                background = [255, 255, 255, 255];
            }

            context.Image = image.Embed(plan.PadLeft, plan.PadTop, plan.Width, plan.Height, extend: Enums.Extend.Background, background: background);
        }
    }
}
