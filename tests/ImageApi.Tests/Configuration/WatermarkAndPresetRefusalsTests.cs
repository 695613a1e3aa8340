using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Configuration;

/// <summary>A bad watermark or preset stops start-up with a message naming the setting (the real app, as a process).</summary>
public sealed class WatermarkAndPresetRefusalsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imageapi-refusals-" + Guid.NewGuid().ToString("N"));

    public WatermarkAndPresetRefusalsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task AssertRefusedAsync(Dictionary<string, string?> settings, string message)
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(settings);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("OptionsValidationException", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadMarkFiles => new()
    {
        { "missing", "names no file" },
        { "jpeg", "is not a PNG or WebP (it is JPEG)" },
        { "opaque", "has no alpha channel" },
        { "truncated", "cannot be" },
        { "text", "is not a PNG or WebP" },
    };

    [Theory]
    [MemberData(nameof(BadMarkFiles))]
    public async Task A_watermark_file_that_is_missing_corrupt_or_no_png_stops_start_up(string kind, string reason)
    {
        var path = kind switch
        {
            "missing" => Path.Combine(_folder, "nothing-here.png"),
            "jpeg" => File("mark.png", TestImages.Bytes("photo-cups.jpg")),
            "opaque" => File("mark.png", WatermarkImages.Flat(40, 20, (9, 9, 9))),
            "truncated" => File("mark.png", Watermarking.RedMark()[..70]),
            _ => File("mark.png", "not an image at all"u8.ToArray()),
        };
        await AssertRefusedAsync(new() { ["Watermarks:Image"] = path }, "Watermarks:Image " + reason);
    }

    [Theory]
    [InlineData("Watermarks:Gravity", "top", "Watermarks:Gravity must be one of center, north, south, east, west, northeast, northwest, southeast, southwest, tile")]
    [InlineData("Watermarks:Opacity", "1.5", "Watermarks:Opacity must be from 0 to 1")]
    [InlineData("Watermarks:Opacity", "-0.2", "Watermarks:Opacity must be from 0 to 1")]
    [InlineData("Watermarks:Scale", "0", "Watermarks:Scale must be from 0.01 to 1")]
    [InlineData("Watermarks:Scale", "2", "Watermarks:Scale must be from 0.01 to 1")]
    [InlineData("Watermarks:Margin", "-1", "Watermarks:Margin must be whole pixels")]
    [InlineData("Watermarks:Margin", "2.5", "Watermarks:Margin must be whole pixels")]
    [InlineData("Watermarks:MinWidth", "-5", "Watermarks:MinWidth must be 0")]
    [InlineData("Watermarks:KeyPrefixes", "/uploads/", "Watermarks:KeyPrefixes must each be the start of a source key")]
    [InlineData("Watermarks:Image", "s3://Not_A_Bucket/mark.png", "Watermarks:Image must be s3://<bucket>/<key>")]
    [InlineData("Watermarks:Image", "s3://marks", "Watermarks:Image must be s3://<bucket>/<key>")]
    public async Task A_bad_watermark_setting_stops_start_up_naming_it(string setting, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Watermarks:Image"] = File("mark.png", Watermarking.RedMark()), [setting] = value };
        await AssertRefusedAsync(settings, message);
    }

    [Theory]
    [InlineData("Presets:thumb", "w=0", "Presets:thumb is not a valid transform ('w=0'): 'w' must be an integer from 1 to 4096")]
    [InlineData("Presets:thumb", "w=200&zoom=3", "Presets:thumb is not a valid transform")]
    [InlineData("Presets:thumb", "w=200&sig=abc", "Presets:thumb may not contain 'sig'")]
    [InlineData("Presets:Only", "w=200", "Presets:Only must be true or false")]
    [InlineData("Presets:avatar:Watermark", "none", "Presets:avatar needs a transform")]
    public async Task A_bad_preset_stops_start_up_naming_it(string setting, string value, string message) =>
        await AssertRefusedAsync(new() { [setting] = value }, message);

    [Fact]
    public async Task A_preset_watermark_other_than_default_or_none_stops_start_up() =>
        await AssertRefusedAsync(
            new() { ["Presets:avatar:Transform"] = "w=64&h=64&fit=cover", ["Presets:avatar:Watermark"] = "sometimes" },
            "Presets:avatar:Watermark must be default or none (was 'sometimes')");

    [Fact]
    public async Task A_preset_beyond_the_allowed_widths_stops_start_up() =>
        await AssertRefusedAsync(
            new() { ["Renditions:AllowedWidths"] = "320,640", ["Presets:hero"] = "w=1200" },
            "Presets:hero is not a valid transform ('w=1200'): 'w' must be one of 320, 640");
}
