namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>Composes transparent pixels onto white for formats without alpha (JPEG).</summary>
public sealed class FlattenStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (!context.Spec.Format.SupportsAlpha && context.Image.HasAlpha())
        {
            context.Image = context.Image.Flatten(background: [255, 255, 255]);
        }
    }
}
