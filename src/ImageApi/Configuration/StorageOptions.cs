namespace ImageApi.Configuration;

public enum StorageProvider
{
    /// <summary>A local folder: the embedded default, no AWS needed.</summary>
    File,
}

/// <summary>The <c>Storage</c> section: where originals and renditions live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.File;

    /// <summary>Folder for the File provider; relative paths are relative to the content root.</summary>
    public string FileRoot { get; set; } = "data";
}
