using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using ImageApi;
using ImageApi.Configuration;
using ImageApi.Events;
using ImageApi.Images;
using ImageApi.OpenApi;
using ImageApi.Security;
using ImageApi.Uploads;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddImageApi();

var app = builder.Build();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Requests that did not come through CloudFront stop here, before their forwarded headers are read.
app.UseOriginSecret();
if (app.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.TrustForwardedHeaders)
{
    // Behind CloudFront → API Gateway the proxies' addresses are not known in advance. CloudFront
    // functions may not set X-Forwarded-Proto, so deploy/cloudfront/viewer-request.js uses its own names.
    var forwarded = new ForwardedHeadersOptions
    {
        ForwardedHeaders = ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedProto,
        ForwardedHostHeaderName = "X-Viewer-Host",
        ForwardedProtoHeaderName = "X-Viewer-Proto",
    };
    forwarded.KnownIPNetworks.Clear();
    forwarded.KnownProxies.Clear();
    app.UseForwardedHeaders(forwarded);
}

app.UseImageApiSwagger();

// The upload page's files. Image requests skip the file-system probe static files would make for every one.
app.UseWhen(
    context => !context.Request.Path.StartsWithSegments("/images", StringComparison.Ordinal),
    page => page.UseDefaultFiles().UseStaticFiles());
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealth();
app.MapUploads();
if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.File)
{
    // With S3 the browser sends to S3 itself.
    app.MapEmbeddedUploads();
}

app.MapImages();
app.MapFocalPoints();
if (app.Services.GetRequiredService<IOptions<EventsOptions>>().Value.IsEnabled(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider))
{
    app.MapEvents();
}

app.LogStartup();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
