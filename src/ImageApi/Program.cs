using ImageApi;
using ImageApi.Configuration;
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
app.MapEmbeddedUploads();
app.MapImages();

app.LogStartup();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
