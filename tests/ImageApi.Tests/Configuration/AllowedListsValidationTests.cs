using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Configuration;

/// <summary><c>Renditions:AllowedQualities</c> and <c>AllowedFormats</c> are checked at start-up, like <c>AllowedWidths</c>.</summary>
public sealed class AllowedListsValidationTests
{
    [Theory]
    [InlineData("Renditions:AllowedQualities:0", "0", "Renditions:AllowedQualities must each be from 1 to 100")]
    [InlineData("Renditions:AllowedQualities:0", "101", "Renditions:AllowedQualities must each be from 1 to 100")]
    [InlineData("Renditions:AllowedFormats:0", "bmp", "Renditions:AllowedFormats must each be one of")]
    [InlineData("Renditions:AllowedFormats:0", "JPEG", "Renditions:AllowedFormats must each be one of")]
    public async Task A_bad_allowed_value_stops_start_up_naming_the_setting(string setting, string value, string message)
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { [setting] = value });
        Assert.NotEqual(0, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("OptionsValidationException", output, StringComparison.Ordinal);
    }
}
