using Microsoft.Extensions.Options;
using ImageApi;
using ImageApi.Configuration;
using ImageApi.Events;
using ImageApi.Images;
using ImageApi.OpenApi;
using ImageApi.Uploads;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddImageApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseImageApiSwagger();

app.MapHealth();
app.MapUploads();
if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.File)
{
    // With S3 the browser sends to S3 itself.
    app.MapEmbeddedUploads();
}

app.MapImages();
app.MapEvents();

app.LogStartup();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
