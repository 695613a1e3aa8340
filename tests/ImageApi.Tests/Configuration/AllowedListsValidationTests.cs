using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Fact]
    public void The_lists_may_be_one_comma_separated_value_as_the_template_sets_them()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Renditions:AllowedWidths"] = "320, 640,960",
            ["Renditions:AllowedHeights"] = "200",
            ["Renditions:AllowedQualities"] = "70,80",
            ["Renditions:AllowedFormats"] = "webp,auto",
        });
        var defaults = app.Services.GetRequiredService<IOptions<RenditionDefaults>>().Value;
        Assert.Equal([320, 640, 960], defaults.AllowedWidths);
        Assert.Equal([200], defaults.AllowedHeights);
        Assert.Equal([70, 80], defaults.AllowedQualities);
        Assert.Equal(["webp", "auto"], defaults.AllowedFormats);
    }

    [Fact]
    public async Task A_comma_list_with_something_else_than_numbers_stops_start_up()
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { ["Renditions:AllowedWidths"] = "320,big" });
        Assert.NotEqual(0, exit);
        Assert.Contains("Renditions:AllowedWidths must each be from 1", output, StringComparison.Ordinal);
    }
}
