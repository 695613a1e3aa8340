using ImageApi.Configuration.Validation;
using ImageApi.Events;
using ImageApi.Images;
using ImageApi.OpenApi;
using ImageApi.Problems;
using ImageApi.Security;
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
        AddValidated<StorageOptions, StorageOptionsValidator>(services).BindConfiguration(StorageOptions.Section);
        AddValidated<UploadOptions, UploadOptionsValidator>(services).BindConfiguration(UploadOptions.Section)
            .PostConfigure(o =>
            {
                if (o.AllowedContentTypes.Count == 0)
                {
                    o.AllowedContentTypes = [.. UploadOptions.DefaultContentTypes];
                }
            });
        AddValidated<DeliveryOptions, DeliveryOptionsValidator>(services).BindConfiguration(DeliveryOptions.Section);
        AddValidated<EventsOptions, EventsOptionsValidator>(services).BindConfiguration(EventsOptions.Section);
        AddValidated<RenditionDefaults, RenditionDefaultsValidator>(services).BindConfiguration(RenditionDefaultsValidator.Section)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                // One value in the comma form too ("320,640"): what a deployment template can set.
                var section = config.GetSection(RenditionDefaultsValidator.Section);
                o.AllowedWidths = CommaList(section, nameof(o.AllowedWidths)) ?? o.AllowedWidths;
                o.AllowedHeights = CommaList(section, nameof(o.AllowedHeights)) ?? o.AllowedHeights;
                o.AllowedQualities = CommaList(section, nameof(o.AllowedQualities)) ?? o.AllowedQualities;
                if (section[nameof(o.AllowedFormats)] is { Length: > 0 } formats)
                {
                    o.AllowedFormats = [.. formats.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
                }
            });
        AddValidated<ProcessingLimits, ProcessingLimitsValidator>(services).BindConfiguration(ProcessingLimitsValidator.Section);
        AddValidated<ServiceLimitsOptions, ServiceLimitsOptionsValidator>(services).BindConfiguration(ProcessingLimitsValidator.Section);
        AddValidated<SigningOptions, SigningOptionsValidator>(services).BindConfiguration(SigningOptions.Section);
        AddValidated<RateLimitOptions, RateLimitOptionsValidator>(services).BindConfiguration(RateLimitOptions.Section);
        AddValidated<TelemetryOptions, TelemetryOptionsValidator>(services).BindConfiguration(TelemetryOptions.Section);
        AddValidated<WatermarkOptions, WatermarkOptionsValidator>(services).BindConfiguration(WatermarkOptions.Section)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                if (config.GetSection(WatermarkOptions.Section)[nameof(o.KeyPrefixes)] is { Length: > 0 } prefixes)
                {
                    o.KeyPrefixes = [.. prefixes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
                }
            });

        // Read by hand (a preset is a string or an object), so not bound; validated like the rest.
        services.AddSingleton<IValidateOptions<PresetOptions>, PresetOptionsValidator>();
        services.AddOptions<PresetOptions>().Configure<IConfiguration>((o, config) => o.Read(config.GetSection(PresetOptions.Section))).ValidateOnStart();

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<UploadOptions>>((cors, uploads) =>
            cors.AddPolicy(UploadCors.Policy, policy =>
            {
                var origins = uploads.Value.AllowedOrigins;
                _ = origins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. origins]);
                policy.WithMethods(HttpMethods.Post, HttpMethods.Put)
                    .WithHeaders("content-type", "x-api-key", "authorization")
                    .WithExposedHeaders("etag", "location")
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(50));
            }));
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache(o => o.SizeLimit = 100_000);
        // Before AddProblemDetails, so it is the writer asked first: errors are problem+json whatever Accept says.
        services.AddSingleton<IProblemDetailsWriter, AlwaysProblemJsonWriter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Answers the framework writes itself (401, 404, 405…) get this API's problem types too.
            if (context.ProblemDetails.Status is { } status && ProblemTypes.ForStatus(status) is { } type
                && context.ProblemDetails.Type?.StartsWith("urn:imageapi:", StringComparison.Ordinal) != true)
            {
                context.ProblemDetails.Type = type;
                context.ProblemDetails.Detail ??= status switch
                {
                    StatusCodes.Status401Unauthorized => "Uploads need credentials: an X-Api-Key header or a bearer token from the configured issuer.",
                    StatusCodes.Status404NotFound => $"There is nothing at {context.HttpContext.Request.Path}.",
                    StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.",
                    _ => context.ProblemDetails.Title,
                };
            }
        });

        // Types it does not list still fall back to reflection.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));

        // Binding failures (malformed JSON) become exceptions, so they get our problem type and a detail.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddImageApiSwagger();
        services.AddUploadAuthentication();
        services.AddImageApiRateLimiting();
        services.AddSingleton<SignaturePolicy>();

        AddValidated<PipelineOptions, PipelineOptionsValidator>(services).BindConfiguration(PipelineOptionsValidator.Section);
        services.AddSingleton(sp => new DecodeBudget(Get<ProcessingLimits>(sp)));
        services.AddSingleton(sp => Get<ProcessingLimits>(sp));
        services.AddSingleton(sp => new ImagePipeline(Get<ProcessingLimits>(sp), Get<RenditionDefaults>(sp), Get<PipelineOptions>(sp), sp.GetRequiredService<DecodeBudget>()));
        services.AddSingleton(sp => TransformPresets.Parse(Get<PresetOptions>(sp).Definitions, Get<RenditionDefaults>(sp)));
        services.AddSingleton(sp => new TransformParser(Get<RenditionDefaults>(sp), sp.GetRequiredService<TransformPresets>()));
        services.AddSingleton<PresetsOnlyPolicy>();
        services.AddSingleton<WatermarkSource>();
        services.AddSingleton<WatermarkPolicies>();
        services.AddSingleton<WatermarkSweep>();
        services.AddStorage();
        services.AddSingleton<RenditionService>();
        services.AddSingleton<RenditionFlights>();
        services.AddSingleton<RenditionQuota>();
        services.AddSingleton<RenditionFiles>();
        services.AddSingleton<AutoFormat>();
        services.AddSingleton<Rejections>();
        services.AddSingleton<Originals>();
        services.AddSingleton<Intermediates>();
        services.AddSingleton<DecodedIntermediates>();
        services.AddSingleton<RenditionMetrics>();
        services.AddImageApiTelemetry();
        services.AddSingleton<SourceRecords>();

        // The journal lives beside the folder store's originals and renditions (only the folder store publishes).
        services.AddSingleton(sp => new PendingEvents(
            Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.RootIn(sp.GetRequiredService<IHostEnvironment>()), ".pending"),
            sp.GetRequiredService<ILogger<PendingEvents>>()));
        services.AddSingleton(sp => new SourceEventQueue(sp.GetRequiredService<PendingEvents>(), sp.GetRequiredService<IOptions<EventsOptions>>().Value.QueueCapacity));
        services.AddSingleton<SourceEventHandler>();
        services.AddHostedService<SourceEventWorker>();

        return services;
    }

    // Bound at each call, with its type spelled out: the configuration binding generator writes the
    // binding code for those calls at compile time (a generic call would be bound by reflection).
    private static OptionsBuilder<T> AddValidated<T, TValidator>(IServiceCollection services)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TValidator>();
        return services.AddOptions<T>().ValidateOnStart();
    }

    // An item that is not a number becomes 0, which validation refuses naming the setting.
    private static List<int>? CommaList(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } text
            ? [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(item => int.TryParse(item, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)]
            : null;

    private static T Get<T>(IServiceProvider services)
        where T : class => services.GetRequiredService<IOptions<T>>().Value;
}
