using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageApi.Tests.Configuration;

/// <summary>Work the host no longer does at start-up, and what still works without it.</summary>
public sealed class StartupWorkTests
{
    [Fact]
    public void The_data_protection_key_ring_is_not_read_at_start_up()
    {
        using var factory = new ImageApiFactory();
        _ = factory.CreateClient();
        var hosted = factory.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName).ToList();
        Assert.DoesNotContain(ImageApi.Security.UploadAuthentication.DataProtectionHostedService, hosted);
        // The name is the framework's: were it renamed, the service would be back unnoticed but for this.
        Assert.NotNull(typeof(DataProtectionOptions).Assembly.GetType(ImageApi.Security.UploadAuthentication.DataProtectionHostedService));
    }

    [Fact]
    public void Data_protection_still_works_when_something_asks_for_it()
    {
        using var factory = new ImageApiFactory();
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("secret", protector.Unprotect(protector.Protect("secret")));
    }
}
