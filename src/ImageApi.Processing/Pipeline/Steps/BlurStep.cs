namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>Gaussian blur of the output's pixels (<c>blur</c>, sigma in output pixels).</summary>
public sealed class BlurStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (context.Spec.Blur is { } sigma)
        {
            context.Image = context.Image.Gaussblur((double)sigma);
        }
    }
}
