using ImageApi.Configuration;
using Microsoft.Extensions.Options;

namespace ImageApi.Uploads;

/// <summary>
/// CORS for the upload endpoints (<c>Uploads:AllowedOrigins</c>): pages on those origins may ask for a
/// ticket and PUT to the embedded upload URL. With no origins configured the endpoints carry no CORS
/// policy at all: same origin only.
/// </summary>
public static class UploadCors
{
    public const string Policy = "uploads";

    public static TBuilder WithUploadCors<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app)
        where TBuilder : IEndpointConventionBuilder
    {
        return app.ServiceProvider.GetRequiredService<IOptions<UploadOptions>>().Value.AllowedOrigins.Count > 0
            ? builder.RequireCors(Policy)
            : builder;
    }
}
