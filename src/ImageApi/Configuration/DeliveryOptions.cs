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

    /// <summary>
    /// Renditions larger than this are answered with a 302 to a short-lived presigned GET on the
    /// destination bucket instead of their bytes (S3 only). 0: never. Lambda's buffered responses stop at
    /// 6 MB, about 4.4 MB of image once base64-encoded, so the SAM template sets 4000000.
    /// </summary>
    public long RedirectAboveBytes { get; set; }

    /// <summary>
    /// <c>format=auto</c> answers AVIF (to clients that accept it) only for outputs of at most this many
    /// pixels: AVIF's encode time grows with the area much faster than WebP's (docs/benchmarks.md).
    /// 0: never AVIF for <c>auto</c>; <c>format=avif</c> is always AVIF. Default 0, by measurement: at the
    /// AVIF default (q55, effort 4) even a 300 px thumbnail (58,000 pixels) took about 350 ms of CPU to
    /// encode on the benchmark machine, against a budget of about 150 ms per image (docs/benchmarks.md, "AVIF").
    /// </summary>
    public long AutoAvifMaxPixels { get; set; }

    /// <summary>How long such a presigned GET stays valid; the 302 itself is cacheable for half of it.</summary>
    public TimeSpan RedirectUrlExpiry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Take the public host and scheme from <c>X-Forwarded-Host</c>/<c>X-Forwarded-Proto</c> (set by the
    /// CloudFront function), so upload tickets name the CloudFront URL. Only behind a proxy that sets them.
    /// </summary>
    public bool TrustForwardedHeaders { get; set; }

    /// <summary>
    /// When set, every request except <c>/healthz</c> must carry it as <c>X-Origin-Secret</c> (CloudFront adds
    /// it as a custom origin header) or is <c>403</c>; forwarded headers are only read on requests that carry it.
    /// </summary>
    public string OriginSecret { get; set; } = "";

    /// <summary>
    /// The CloudFront distribution in front of the service. When set, replacing or removing an original
    /// invalidates its renditions at the edge (<c>/images/&lt;key&gt;*</c>). Empty: no invalidation.
    /// </summary>
    public string DistributionId { get; set; } = "";
}

/// <summary>The <c>Events</c> section.</summary>
public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>
    /// Whether <c>POST /events</c> exists. Unset: only with <c>Storage:Provider=S3</c>, whose event function
    /// needs it (the public HTTP function turns it off); the folder store's uploads make their renditions
    /// through an in-process queue and need no endpoint, so there it stays closed unless turned on.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The largest <c>POST /events</c> body accepted; S3 sends one record of about 1 KB per event.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The most records one event may hold.</summary>
    public const int MaxRecords = 100;

    public bool IsEnabled(StorageProvider provider) => Enabled ?? provider == StorageProvider.S3;

    /// <summary>
    /// The folder store's upload events handled at once (default rendition made at upload). Unset: the
    /// number of cores.
    /// </summary>
    public int? Workers { get; set; }

    /// <summary>Events the folder store's in-memory queue holds; more wait in its journal, never the upload.</summary>
    public int QueueCapacity { get; set; } = 1024;

    public int EffectiveWorkers => Workers ?? Environment.ProcessorCount;
}
