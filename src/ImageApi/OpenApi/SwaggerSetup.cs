using Microsoft.OpenApi;

namespace ImageApi.OpenApi;

internal static class SwaggerSetup
{
    public static IServiceCollection AddImageApiSwagger(this IServiceCollection services) =>
        services.AddEndpointsApiExplorer().AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ImageApi",
                Version = "v1",
                Description =
                    "Upload originals through presigned URLs and fetch renditions at any size. " +
                    "Errors are application/problem+json (RFC 9457).",
            });
            options.OperationFilter<TransformParametersFilter>();
            options.OperationFilter<BinaryBodyFilter>();
            UploadSecurityFilter.Define(options);
        });

    public static WebApplication UseImageApiSwagger(this WebApplication app)
    {
        // Only under /swagger: Swagger UI's middleware matches every request's path with a regular
        // expression, which showed in the profile of serving stored renditions.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase),
            swagger => swagger.UseSwagger().UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint("/swagger/v1/swagger.json", "ImageApi v1");
                options.DocumentTitle = "ImageApi";
            }));
        return app;
    }
}
