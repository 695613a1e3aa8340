namespace ImageApi.Uploads;

public static class UrlPaths
{
    /// <summary>Escapes each segment of a key and keeps its slashes, for use in a URL path.</summary>
    public static string EscapeKey(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
