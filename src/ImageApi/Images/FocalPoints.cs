using ImageApi.Processing.Transforms;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// An original's own focal point, kept with the original itself as user metadata
/// (<c>x-amz-meta-focal-point: 0.3,0.65</c> on S3, the folder store's side file in the embedded mode),
/// so it goes wherever the original goes and nothing else has to be kept in step.
/// </summary>
public static class FocalPoints
{
    public const string MetadataName = "focal-point";

    /// <summary>The focal point stored with an original, or null (none, or not one this service wrote).</summary>
    public static FocalPoint? Of(ObjectInfo original) =>
        original.Metadata.TryGetValue(MetadataName, out var value) ? FocalPoint.Parse(value) : null;

    /// <summary>The metadata that stores <paramref name="point"/>, beside the other metadata in <paramref name="existing"/>.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(FocalPoint? point, IReadOnlyDictionary<string, string>? existing = null)
    {
        var metadata = new Dictionary<string, string>(existing ?? ObjectInfo.NoMetadata, StringComparer.Ordinal);
        if (point is { } value)
        {
            metadata[MetadataName] = value.ToString();
        }
        else
        {
            metadata.Remove(MetadataName);
        }

        return metadata;
    }
}

/// <summary>A focal point as JSON sends it: <c>{"x": 0.3, "y": 0.65}</c>, fractions of the upright original.</summary>
public sealed record FocalPointBody(decimal? X, decimal? Y)
{
    /// <summary>The point, or why it is not one: both coordinates, each from 0 to 1, at most 3 decimals.</summary>
    public FocalPoint? Validate(out string? error)
    {
        var point = X is { } x && Y is { } y ? new FocalPoint(x, y) : (FocalPoint?)null;
        error = point is { IsInside: true } p && Decimals(p.X) <= 3 && Decimals(p.Y) <= 3
            ? null
            : $"focalPoint must be {{\"x\": …, \"y\": …}}, each a number from 0 to 1 with at most 3 decimals; got x {Show(X)}, y {Show(Y)}.";
        return error is null ? point : null;
    }

    private static int Decimals(decimal value) => (value.ToString(System.Globalization.CultureInfo.InvariantCulture).Split('.').ElementAtOrDefault(1) ?? "").TrimEnd('0').Length;

    private static string Show(decimal? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing";
}
