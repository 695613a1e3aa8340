namespace ImageApi.TestSupport;

/// <summary>Query strings as the tests write them (<c>w=300&amp;fit=cover</c>), as the pairs the parser reads.</summary>
internal static class QueryStrings
{
    /// <summary>Names and values as given, undecoded; a name without '=' has a null value.</summary>
    public static KeyValuePair<string, string?>[] Pairs(string query) =>
        [.. query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? new KeyValuePair<string, string?>(part, null) : new KeyValuePair<string, string?>(part[..eq], part[(eq + 1)..]);
        })];
}
