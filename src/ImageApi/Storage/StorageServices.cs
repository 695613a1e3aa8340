using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using ImageApi.Configuration;
using ImageApi.Uploads;
using Microsoft.Extensions.Options;

namespace ImageApi.Storage;

/// <summary>Registers the stores and the upload signer for the configured provider.</summary>
internal static class StorageServices
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton<IAmazonS3>(sp => CreateS3Client(sp.GetRequiredService<IOptions<StorageOptions>>().Value.S3));
        services.AddSingleton(CreateStores);
        services.AddSingleton<EmbeddedUploadSigner>();
        services.AddSingleton<S3UploadSigner>();
        services.AddSingleton<IUploadTargetSigner>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.S3
            ? sp.GetRequiredService<S3UploadSigner>()
            : sp.GetRequiredService<EmbeddedUploadSigner>());
        services.AddHttpClient(nameof(Delivery.CloudFrontEdgeCache));
        services.AddSingleton<Delivery.IEdgeCache>(sp =>
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.DistributionId is { Length: > 0 } distribution
                ? new Delivery.CloudFrontEdgeCache(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(Delivery.CloudFrontEdgeCache)), distribution, sp.GetRequiredService<TimeProvider>())
                : new Delivery.NoEdgeCache());
        return services;
    }

    private static ObjectStores CreateStores(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider == StorageProvider.S3)
        {
            var s3 = services.GetRequiredService<IAmazonS3>();
            return new ObjectStores(
                new S3ObjectStore("source", s3, options.S3.SourceBucket),
                new S3ObjectStore("destination", s3, options.S3.DestinationBucket));
        }

        var root = options.RootIn(services.GetRequiredService<IHostEnvironment>());
        var staging = Path.Combine(root, ".staging");
        return new ObjectStores(
            new FileObjectStore("source", Path.Combine(root, "source"), staging),
            new FileObjectStore("destination", Path.Combine(root, "destination"), staging));
    }

    internal static AmazonS3Client CreateS3Client(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            Timeout = options.Timeout,
            MaxErrorRetry = options.MaxRetries,
            RetryMode = RequestRetryMode.Standard,

            // CRC checksums only where an operation requires one (none that the service calls). The SDK's default
            // computes one for every PUT body and checks one on every GET: CPU on each stored-rendition request,
            // for what TLS already guarantees in transit, and S3-compatible servers that predate the
            // checksum headers refuse them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(options.Region) ? "us-east-1" : options.Region;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        // The client sets the config's provider to S3's rules as it is made.
        var client = new AmazonS3Client(config);
        config.EndpointProvider = new CachedEndpointProvider(config.EndpointProvider);
        return client;
    }
}
