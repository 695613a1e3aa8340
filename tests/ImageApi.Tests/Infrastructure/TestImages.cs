namespace ImageApi.Tests.Infrastructure;

/// <summary>The committed images in tests/TestImages (see its README for where each comes from).</summary>
internal static class TestImages
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestImages", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));
}
