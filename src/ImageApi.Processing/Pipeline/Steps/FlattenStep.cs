using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>Composes transparent pixels onto <c>bg</c> (white without it) for formats without alpha (JPEG).</summary>
public sealed class FlattenStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (!context.Spec.Format.SupportsAlpha && context.Image.HasAlpha())
        {
            context.Image = context.Image.Flatten(background: (context.Spec.Background ?? Rgba.White).Bands(withAlpha: false));
        }
    }
}
