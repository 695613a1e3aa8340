namespace ImageApi.Configuration;

/// <summary>The <c>Signing</c> section: signed transform URLs.</summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>Whether every request with transform parameters must carry a valid <c>sig</c>. The default rendition (no parameters) never needs one.</summary>
    public bool Required { get; set; }

    /// <summary>HMAC keys, at least 32 characters each. All verify; the first signs. Add the new key, deploy, then drop the old one.</summary>
    public IList<string> Keys { get; set; } = [];
}

/// <summary>The <c>RateLimits</c> section, per client address. 0 switches a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary><c>POST /uploads</c> per client per minute.</summary>
    public int UploadsPerMinute { get; set; } = 30;

    /// <summary>Renditions a client may cause to be <em>generated</em> per minute; stored ones are never limited.</summary>
    public int RenditionsPerMinute { get; set; } = 120;
}

/// <summary>The service's own limits, in the <c>Limits</c> section beside the pipeline's.</summary>
public sealed class ServiceLimitsOptions
{
    /// <summary>Distinct renditions one original may have (the default one always may exist). 0: no limit.</summary>
    public int MaxRenditionsPerOriginal { get; set; } = 50;

    /// <summary>
    /// Memory for the decoded pixels of recently used intermediates (<see cref="Images.DecodedIntermediates"/>), on top of
    /// <c>DecodeBudgetMegabytes</c>: a 1600 px intermediate takes 5–8 MB. 0: none kept, every later size reads and decodes the stored one.
    /// </summary>
    public int IntermediateCacheMegabytes { get; set; } = 256;

    /// <summary>Longest time one rendition may take to make; after it the work is stopped and the answer is 503.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
