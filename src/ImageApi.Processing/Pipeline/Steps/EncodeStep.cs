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

        // A libvips failure here (the encoder pulls every lazy step's pixels) is mapped by ImagePipeline.Run.
        context.Output = context.Spec.Format.Encoder.Encode(image, context.Spec.Quality, context.Encoder);

        // libvips may notice the kill only after a saver's internal copy has run to the end; a
        // cancelled render never yields output either way.
        token.ThrowIfCancellationRequested();
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
