namespace ImageApi.Processing.Watermarks;

/// <summary>Where the mark goes on the output: a side or corner of it, its centre, or repeated over all of it.</summary>
public enum WatermarkPlacement
{
    Center = Transforms.Compass.Center,
    North = Transforms.Compass.North,
    South = Transforms.Compass.South,
    East = Transforms.Compass.East,
    West = Transforms.Compass.West,
    NorthEast = Transforms.Compass.NorthEast,
    NorthWest = Transforms.Compass.NorthWest,
    SouthEast = Transforms.Compass.SouthEast,
    SouthWest = Transforms.Compass.SouthWest,
    Tile,
}

public static class WatermarkPlacements
{
    /// <summary>Every placement by its configuration name (lower-case, as the README lists them).</summary>
    public static IReadOnlyList<KeyValuePair<string, WatermarkPlacement>> ByName { get; } =
        [.. Enum.GetValues<WatermarkPlacement>().Select(p => KeyValuePair.Create(p.ToString().ToLowerInvariant(), p))];

    public static string Names => string.Join(", ", ByName.Select(p => p.Key));

    /// <summary>The placement a configuration value names (case-insensitive), or null.</summary>
    public static WatermarkPlacement? Find(string? name) =>
        ByName.FirstOrDefault(p => string.Equals(p.Key, name?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Key: not null } found ? found.Value : null;

    public static string NameOf(WatermarkPlacement placement) => ByName.First(p => p.Value == placement).Key;
}
