namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>libvips' sharpen (an unsharp mask on lightness) of the output's pixels (<c>sharpen</c>, sigma in output pixels).</summary>
public sealed class SharpenStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        if (context.Spec.Sharpen is { } sigma)
        {
            context.Image = context.Image.Sharpen(sigma: (double)sigma);
        }
    }
}
