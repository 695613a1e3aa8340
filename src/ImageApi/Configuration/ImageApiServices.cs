using ImageApi.Events;
using ImageApi.Images;
using ImageApi.OpenApi;
using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;
using ImageApi.Uploads;
using Microsoft.Extensions.Options;

namespace ImageApi.Configuration;

public static class ImageApiServices
{
    public static IServiceCollection AddImageApi(this IServiceCollection services)
    {
        services.AddSingleton<OptionsValidators>();
        AddValidated<StorageOptions>(services, StorageOptions.Section);
        AddValidated<UploadOptions>(services, UploadOptions.Section)
            .PostConfigure(o =>
            {
                if (o.AllowedContentTypes.Count == 0)
                {
                    o.AllowedContentTypes = [.. UploadOptions.DefaultContentTypes];
                }
            });
        AddValidated<DeliveryOptions>(services, DeliveryOptions.Section);
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateOnStart();
        AddValidated<RenditionDefaults>(services, OptionsValidators.RenditionsSection);
        AddValidated<ProcessingLimits>(services, OptionsValidators.LimitsSection);

        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache(o => o.SizeLimit = 100_000);
        services.AddProblemDetails();

        // Binding failures (malformed JSON) become exceptions, so they get our problem type and a detail.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddImageApiSwagger();

        services.AddSingleton(sp => new ImagePipeline(Get<ProcessingLimits>(sp), Get<RenditionDefaults>(sp)));
        services.AddSingleton(sp => new TransformParser(Get<RenditionDefaults>(sp)));
        services.AddStorage();
        services.AddSingleton<RenditionService>();
        services.AddSingleton<RenditionMetrics>();
        services.AddSingleton<SourceRecords>();

        services.AddSingleton<SourceEventQueue>();
        services.AddSingleton<SourceEventHandler>();
        services.AddHostedService<SourceEventWorker>();

        return services;
    }

    private static OptionsBuilder<T> AddValidated<T>(IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => (IValidateOptions<T>)(object)sp.GetRequiredService<OptionsValidators>());
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private static T Get<T>(IServiceProvider services)
        where T : class => services.GetRequiredService<IOptions<T>>().Value;
}
