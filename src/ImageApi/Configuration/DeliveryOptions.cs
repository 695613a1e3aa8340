namespace ImageApi.Configuration;

/// <summary>The <c>Delivery</c> section: how renditions are served.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>
    /// <c>Cache-Control: public, max-age</c> of a rendition. Not <c>immutable</c>: an original may be
    /// replaced under the same key, and its renditions with it.
    /// </summary>
    public int CacheMaxAgeSeconds { get; set; } = 86400;
}
