using ImageApi.Processing.Formats;
using NetVips;

namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Encodes with the format's encoder, which is when libvips computes the pixels of every step before
/// it. A cancelled render stops libvips mid-image.
/// </summary>
public sealed class EncodeStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var image = context.Image;
        var token = context.CancellationToken;
        token.ThrowIfCancellationRequested();
        if (token.CanBeCanceled)
        {
            image.SetProgress(NoProgress.Instance, token);
        }

        try
        {
            context.Output = context.Spec.Format.Encoder.Encode(image, context.Spec.Quality, context.Encoder);
        }
        catch (VipsException ex)
        {
            token.ThrowIfCancellationRequested();
            throw SourceLoader.Undecodable(ex);
        }
    }

    // libvips only evaluates kill checks when a progress callback is attached.
    private sealed class NoProgress : IProgress<int>
    {
        public static NoProgress Instance { get; } = new();

        public void Report(int value)
        {
        }
    }
}
