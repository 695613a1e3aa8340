namespace ImageApi.Configuration.Validation;

/// <summary>Rules more than one setting follows.</summary>
internal static class ConfigurationRules
{
    /// <summary>The rule every secret key follows, in words; the README's Security section and the SAM template's AllowedPattern say the same.</summary>
    public const string StrongKeyRule = "printable ASCII without spaces, at least 10 different characters";

    /// <summary>
    /// A key with real entropy, roughly: 32 or more printable ASCII characters, no spaces, at least 10 of
    /// them different. Refuses 32 spaces, 32 × 'a' and "abcabc…"; accepts what <c>openssl rand -base64 32</c>
    /// or <c>-hex 32</c> prints.
    /// </summary>
    public static bool IsStrongKey(string key) =>
        key.Length >= 32 && key.All(c => c is > ' ' and <= '~') && key.Distinct().Count() >= 10;

    // Folders the store must never write into or serve from (they hold the system, or other users' files).
    private static readonly string[] SystemFolders =
        ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr"];

    // Folders fine to hold a data folder, but not to be one.
    private static readonly string[] SharedFolders = ["/home", "/media", "/mnt", "/opt", "/root", "/run", "/srv", "/tmp", "/var"];

    public static bool IsSystemFolder(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(path);
        if (full.Length == 0 || Path.GetPathRoot(path) is { } root && string.Equals(Path.TrimEndingDirectorySeparator(root), full, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        bool Within(string folder) => folder.Length > 0
            && (string.Equals(full, folder, comparison) || full.StartsWith(folder + Path.DirectorySeparatorChar, comparison));
        if (OperatingSystem.IsWindows())
        {
            string Folder(Environment.SpecialFolder folder) => Path.TrimEndingDirectorySeparator(Environment.GetFolderPath(folder));
            string[] system = [Folder(Environment.SpecialFolder.Windows), Folder(Environment.SpecialFolder.ProgramFiles), Folder(Environment.SpecialFolder.ProgramFilesX86)];
            string[] shared = [Folder(Environment.SpecialFolder.UserProfile), Folder(Environment.SpecialFolder.CommonApplicationData)];
            return system.Any(Within) || shared.Any(f => f.Length > 0 && string.Equals(full, f, comparison));
        }

        return SystemFolders.Any(Within) || SharedFolders.Any(f => string.Equals(full, f, comparison));
    }

    public static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";

    public static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
