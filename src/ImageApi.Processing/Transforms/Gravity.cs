using System.Globalization;

namespace ImageApi.Processing.Transforms;

/// <summary>Which part of the image a <c>cover</c> crop keeps.</summary>
public enum Gravity
{
    /// <summary>The middle (the default).</summary>
    Center = Compass.Center,
    North = Compass.North,
    South = Compass.South,
    East = Compass.East,
    West = Compass.West,
    NorthEast = Compass.NorthEast,
    NorthWest = Compass.NorthWest,
    SouthEast = Compass.SouthEast,
    SouthWest = Compass.SouthWest,
    /// <summary>libvips' attention-based crop: the region with the most skin tones, saturated colour and edges.</summary>
    Smart,
    /// <summary>
    /// A focal point kept as close to the crop's centre as the image allows: the request's <c>fp-x</c>,
    /// <c>fp-y</c>, or without them the original's own focal point (the centre when it has none).
    /// </summary>
    Focal,
    /// <summary>The original's focal point when it has one, otherwise <see cref="Smart"/>.</summary>
    Auto,
}

/// <summary>A point of the upright original, as fractions of its width and height (0–1 from the top left).</summary>
public readonly record struct FocalPoint(decimal X, decimal Y)
{
    /// <summary>The metadata spelling: <c>x,y</c>, each canonical (<c>0.3,0.65</c>).</summary>
    public override string ToString() => Format(X) + "," + Format(Y);

    /// <summary>Reads <see cref="ToString"/>'s spelling; null when it is not a point inside the image.</summary>
    public static FocalPoint? Parse(string? text)
    {
        var parts = text?.Split(',');
        return parts is [var x, var y] && TryCoordinate(x, out var px) && TryCoordinate(y, out var py) ? new FocalPoint(px, py) : null;
    }

    /// <summary>Whether both coordinates are in 0–1.</summary>
    public bool IsInside => X is >= 0 and <= 1 && Y is >= 0 and <= 1;

    private static bool TryCoordinate(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value is >= 0 and <= 1;

    private static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
