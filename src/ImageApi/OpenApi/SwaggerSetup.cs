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
        // expression, which showed in the profile of serving stored renditions. The branch is built on
        // the first request for it, not at start-up, where Swagger UI's middleware (its embedded files and
        // their provider) cost some 15 ms of every cold start.
        app.Use(next =>
        {
            var swagger = new Lazy<RequestDelegate>(() =>
            {
                var branch = ((IApplicationBuilder)app).New();
                branch.UseSwagger().UseSwaggerUI(options =>
                {
                    options.SwaggerEndpoint("/swagger/v1/swagger.json", "ImageApi v1");
                    options.DocumentTitle = "ImageApi";
                });
                branch.Run(next);
                return branch.Build();
            });
            return context => context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase)
                ? swagger.Value(context)
                : next(context);
        });
        return app;
    }
}
