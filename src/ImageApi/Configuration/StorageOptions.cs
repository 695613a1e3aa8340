namespace ImageApi.Configuration;

public enum StorageProvider
{
    /// <summary>A local folder: the embedded default, no AWS needed.</summary>
    File,

    /// <summary>Two S3 buckets (AWS or any S3-compatible server).</summary>
    S3,
}

/// <summary>The <c>Storage</c> section: where originals and renditions live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.File;

    /// <summary>Folder for the File provider; relative paths are relative to the content root.</summary>
    public string FileRoot { get; set; } = "data";

    /// <summary>The File provider's folder, resolved against the content root.</summary>
    public string RootIn(IHostEnvironment environment) => Path.Combine(environment.ContentRootPath, FileRoot);

    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>The <c>Storage:S3</c> section. Credentials come from the standard AWS chain.</summary>
public sealed class S3StorageOptions
{
    public string SourceBucket { get; set; } = "";

    public string DestinationBucket { get; set; } = "";

    /// <summary>An S3-compatible endpoint (e.g. <c>http://127.0.0.1:5000</c> for moto); empty for AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Empty: the standard AWS chain (AWS_REGION and so on); us-east-1 for a custom ServiceUrl.</summary>
    public string? Region { get; set; }

    /// <summary>Per-attempt timeout of an S3 request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a failed S3 request before it counts as "storage unavailable".</summary>
    public int MaxRetries { get; set; } = 2;
}
