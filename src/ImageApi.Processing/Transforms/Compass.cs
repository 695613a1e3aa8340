namespace ImageApi.Processing.Transforms;

/// <summary>
/// The nine places a box can take inside a larger frame: its centre, a side or a corner. A cover crop
/// (<see cref="Gravity"/>) and the watermark (<see cref="Watermarks.WatermarkPlacement"/>) both place
/// by it; their enums start with these nine, valued alike, and add what is theirs alone after them.
/// </summary>
public enum Compass
{
    Center,
    North,
    South,
    East,
    West,
    NorthEast,
    NorthWest,
    SouthEast,
    SouthWest,
}

public static class CompassPlacement
{
    /// <summary>The box's top-left offset when <paramref name="spareX"/> × <paramref name="spareY"/> pixels of the frame are left around it.</summary>
    public static (int Left, int Top) Place(this Compass point, int spareX, int spareY) => point switch
    {
        Compass.North => (spareX / 2, 0),
        Compass.South => (spareX / 2, spareY),
        Compass.East => (spareX, spareY / 2),
        Compass.West => (0, spareY / 2),
        Compass.NorthEast => (spareX, 0),
        Compass.NorthWest => (0, 0),
        Compass.SouthEast => (spareX, spareY),
        Compass.SouthWest => (0, spareY),
        _ => (spareX / 2, spareY / 2),
    };

    /// <summary>The compass point an enum value that starts with the nine names, or null for one of its own (smart, focal, tile).</summary>
    public static Compass? AsCompass<T>(this T value)
        where T : struct, Enum
    {
        var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        return number <= (int)Compass.SouthWest ? (Compass)number : null;
    }
}
