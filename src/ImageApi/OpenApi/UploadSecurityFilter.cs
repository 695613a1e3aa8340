using ImageApi.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImageApi.OpenApi;

/// <summary>
/// Marks the operations behind the uploads policy as needing an API key or a bearer token (either
/// one), so Swagger UI offers both under "Authorize". Deployments that allow anonymous uploads ignore it.
/// </summary>
internal sealed class UploadSecurityFilter : IOperationFilter
{
    public const string ApiKey = "ApiKey";
    public const string Bearer = "Bearer";

    public static void Define(SwaggerGenOptions options)
    {
        options.AddSecurityDefinition(ApiKey, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = UploadAuthentication.ApiKeyHeader,
            Description = "One of Uploads:ApiKeys.",
        });
        options.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from the issuer in Uploads:Jwt:Authority, for the audience in Uploads:Jwt:Audience.",
        });
        options.OperationFilter<UploadSecurityFilter>();
    }

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == UploadAuthentication.Policy))
        {
            return;
        }

        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
        ];
    }
}
