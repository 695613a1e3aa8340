using System.IO.Compression;
using System.Reflection.PortableExecutable;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>deploy/package.sh builds the zip the template deploys.</summary>
public sealed class PackageTests
{
    // e_machine of an ELF file: EM_X86_64 is 62, EM_AARCH64 183.
    private static ushort ElfMachine(Machine machine) => machine == Machine.Amd64 ? (ushort)62 : (ushort)183;

    private static async Task<ushort> ReadElfMachineAsync(ZipArchiveEntry entry)
    {
        var header = new byte[20];
        await using (var stream = entry.Open())
        {
            await stream.ReadExactlyAsync(header);
        }

        Assert.True(header.AsSpan(0, 4).SequenceEqual("\u007FELF"u8), $"{entry.FullName} is not an ELF file");
        Assert.Equal(2, header[4]); // 64-bit
        Assert.Equal(1, header[5]); // little-endian
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18));
    }

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
            Assert.Subset(names, new HashSet<string> { "run.sh", "ImageApi.dll", "ImageApi.Processing.dll", "ImageApi.runtimeconfig.json", "appsettings.json", "NetVips.dll", "AWSSDK.S3.dll" });

            // The image engine is libvips, for this architecture only; ImageSharp stays in bench/.
            Assert.DoesNotContain(names, n => n.Contains("ImageSharp", StringComparison.OrdinalIgnoreCase));
            var libvips = names.Where(n => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(n), @"^libvips(-cpp)?\.so(\.\d+)*$")).ToList();
            Assert.True(libvips.Count > 0, "no libvips.so in the package: " + string.Join(", ", names.Where(n => n.EndsWith(".so", StringComparison.Ordinal) || n.Contains(".so.", StringComparison.Ordinal))));
            Assert.DoesNotContain(names, n => n.EndsWith(".dylib", StringComparison.Ordinal)); // the macOS natives are for developers only
            foreach (var library in libvips)
            {
                // Where the Lambda runtime's loader (and NetVips' probing) finds it: beside the app, not under runtimes/.
                Assert.DoesNotContain('/', library);
                Assert.Equal(ElfMachine(machine), await ReadElfMachineAsync(zip.GetEntry(library)!));
            }

            // run.sh: executable, LF line endings, starts the app on the adapter's port.
            var run = zip.GetEntry("run.sh")!;
            Assert.Equal(0b111_101_101, (run.ExternalAttributes >> 16) & 0b111_111_111);
            Assert.All(zip.Entries.Where(e => e.FullName != "run.sh"), e => Assert.Equal(0b110_100_100, (e.ExternalAttributes >> 16) & 0b111_111_111));
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
