namespace ImageApi.Processing.Pipeline.Steps;

/// <summary>
/// Applies <c>rot</c> and <c>flip</c> (one <see cref="Transforms.Turn"/>) to the upright, resized image,
/// before the fit: the plan's box, crop offsets and gravity are in the turned frame.
/// </summary>
public sealed class TurnStep : IPipelineStep
{
    public void Run(PipelineContext context)
    {
        var turn = context.Spec.Turn;
        if (turn.Degrees != 0)
        {
            // Rotating needs random access; the loader streams sequentially.
            context.Image = context.Image.CopyMemory();
            context.Image = turn.Degrees switch
            {
                90 => context.Image.Rot90(),
                180 => context.Image.Rot180(),
                _ => context.Image.Rot270(),
            };
        }

        if (turn.Mirror)
        {
            context.Image = context.Image.FlipHor();
        }

        context.Turned = true;
    }
}
