using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImageApi.OpenApi;

/// <summary>
/// Marks an endpoint whose body is raw bytes of the given types. Documentation only: unlike
/// <c>Accepts</c>, it does not make routing answer 415 for other types, so the handler can give the
/// signed-URL answer (403) that S3 would.
/// </summary>
public sealed class BinaryBodyMetadata(params string[] contentTypes)
{
    public IReadOnlyList<string> ContentTypes { get; } = contentTypes;
}

internal sealed class BinaryBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<BinaryBodyMetadata>().FirstOrDefault() is not { } body)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The original's bytes, sent with the Content-Type the URL was signed for.",
            Content = body.ContentTypes.ToDictionary(
                type => type,
                _ => (IOpenApiMediaType)new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }),
        };
    }
}
