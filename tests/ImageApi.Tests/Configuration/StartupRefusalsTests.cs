using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Configuration;

/// <summary>Settings refused at start-up, each with a message naming the setting (the real app, as a process).</summary>
public sealed class StartupRefusalsTests
{
    public static TheoryData<string, string> WeakKeys => new()
    {
        { "Uploads:ApiKeys:0", new string(' ', 32) },
        { "Uploads:ApiKeys:0", new string('a', 32) },
        { "Uploads:ApiKeys:0", string.Concat(Enumerable.Repeat("abcd", 10)) },
        { "Signing:Keys:0", new string('a', 40) },
        { "Signing:Keys:0", "correct horse battery staple, surely" },
        { "Uploads:SigningKey", new string('z', 64) },
        { "Uploads:SigningKey", string.Concat(Enumerable.Repeat("0123456", 6)) },
    };

    [Theory]
    [MemberData(nameof(WeakKeys))]
    public async Task Keys_without_real_entropy_are_refused_naming_the_setting(string setting, string key)
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { [setting] = key });
        Assert.NotEqual(0, exit);
        var name = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting;
        Assert.Contains(name + " must", output, StringComparison.Ordinal);
        Assert.Contains("OptionsValidationException", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Y5m0Qe3s8rVt1LwK2pXzA7dNfBgHjC4u")]
    [InlineData("2f1c9a7e4b6d8f0a3c5e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a")]
    public void Keys_from_a_random_generator_pass(string key) =>
        Assert.True(ImageApi.Configuration.Validation.ConfigurationRules.IsStrongKey(key));

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/etc/imageapi")]
    [InlineData("/usr")]
    [InlineData("/proc")]
    [InlineData("/sys")]
    [InlineData("/var")]
    [InlineData("/bin")]
    [InlineData("/tmp/")]
    public async Task A_file_root_that_is_a_system_folder_is_refused_naming_the_setting(string root)
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { ["Storage:FileRoot"] = root });
        Assert.NotEqual(0, exit);
        Assert.Contains("Storage:FileRoot must be a folder of its own", output, StringComparison.Ordinal);
    }
}
