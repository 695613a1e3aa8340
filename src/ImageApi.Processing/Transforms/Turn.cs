namespace ImageApi.Processing.Transforms;

/// <summary>The <c>flip</c> parameter: mirror left–right (<c>h</c>), top–bottom (<c>v</c>), or both.</summary>
public enum Flip
{
    None,
    H,
    V,
    HV,
}

/// <summary>
/// What <c>rot</c> and <c>flip</c> do together, after EXIF orientation: turn clockwise by
/// <see cref="Degrees"/>, then mirror left–right when <see cref="Mirror"/>. Every combination of the
/// two parameters is one of these eight, so equal outputs get one stored name (<c>rot=180&amp;flip=hv</c>
/// is no change at all, <c>flip=v</c> is <c>rot=180&amp;flip=h</c>).
/// </summary>
public readonly record struct Turn(int Degrees, bool Mirror)
{
    public static Turn None => default;

    public bool IsNone => Degrees == 0 && !Mirror;

    /// <summary>Whether the output's sides are the original's swapped.</summary>
    public bool SwapsSides => Degrees is 90 or 270;

    /// <summary>The canonical form of <c>rot</c> then <c>flip</c>: a top–bottom mirror is a half turn and a left–right mirror.</summary>
    public static Turn Of(int rotation, Flip flip)
    {
        var vertical = flip is Flip.V or Flip.HV;
        var horizontal = flip is Flip.H or Flip.HV;
        return new Turn((rotation + (vertical ? 180 : 0)) % 360, horizontal ^ vertical);
    }

    /// <summary>Where a point of the upright original (fractions of its sides) lands in the turned image.</summary>
    public (double X, double Y) Map(double x, double y)
    {
        var (tx, ty) = Degrees switch
        {
            90 => (1 - y, x),
            180 => (1 - x, 1 - y),
            270 => (y, 1 - x),
            _ => (x, y),
        };
        return Mirror ? (1 - tx, ty) : (tx, ty);
    }
}
