using System.IO.Compression;
using System.Reflection.PortableExecutable;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>deploy/package.sh builds the zip the template deploys.</summary>
public sealed class PackageTests
{
    [Theory]
    [InlineData("x86_64", Machine.Amd64)]
    [InlineData("arm64", Machine.Arm64)]
    public async Task Package_script_builds_a_ready_to_run_lambda_zip(string architecture, Machine machine)
    {
        var output = Path.Combine(Path.GetTempPath(), "imageapi-package-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, log) = await Repository.RunAsync("bash", [Repository.PathOf("deploy", "package.sh"), "--arch", architecture, "--output", output], timeout: TimeSpan.FromMinutes(8));
            Assert.True(exit == 0, log);

            using var zip = ZipFile.OpenRead(Path.Combine(output, "imageapi-lambda.zip"));
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Subset(names, new HashSet<string> { "run.sh", "ImageApi.dll", "ImageApi.runtimeconfig.json", "appsettings.json", "SixLabors.ImageSharp.dll", "AWSSDK.S3.dll" });

            // run.sh: executable, LF line endings, starts the app on the adapter's port.
            var run = zip.GetEntry("run.sh")!;
            Assert.Equal(0b111_101_101, (run.ExternalAttributes >> 16) & 0b111_111_111);
            using (var reader = new StreamReader(run.Open()))
            {
                var script = await reader.ReadToEndAsync();
                Assert.DoesNotContain('\r', script);
                Assert.Contains("AWS_LWA_PORT", script, StringComparison.Ordinal);
            }

            // ReadyToRun code for the chosen architecture, for the cold start.
            using var dll = new MemoryStream();
            await using (var entry = zip.GetEntry("ImageApi.dll")!.Open())
            {
                await entry.CopyToAsync(dll);
            }

            dll.Position = 0;
            using var pe = new PEReader(dll);
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "ImageApi.dll has no ReadyToRun code");
            Assert.Equal(machine, (Machine)((ushort)pe.PEHeaders.CoffHeader.Machine ^ 0x7B79));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
