
namespace ImageApi;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("Healthy"))
            .WithTags("Health")
            .WithName("Health")
            .WithSummary("Liveness: 200 when the process can serve requests")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }
}
