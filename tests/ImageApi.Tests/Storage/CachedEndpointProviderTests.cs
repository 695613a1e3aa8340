using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;
using ImageApi.Storage;
using Endpoint = Amazon.Runtime.Endpoints.Endpoint;

namespace ImageApi.Tests.Storage;

public sealed class CachedEndpointProviderTests
{
    private static readonly S3EndpointParameters[] Configurations =
    [
        new() { Bucket = "destination", Region = "us-east-1", Endpoint = "http://127.0.0.1:9000/", ForcePathStyle = true },
        new() { Bucket = "destination", Region = "eu-west-1" },
        new() { Bucket = "destination", Region = "eu-west-1", ForcePathStyle = true },
        new() { Bucket = "destination", Region = "us-east-1", UseFIPS = true },
        new() { Bucket = "destination", Region = "us-east-1", UseDualStack = true },
        new() { Bucket = "destination", Region = "us-east-1", Accelerate = true },
        new() { Bucket = "source", Region = "ap-southeast-2" },
    ];

    [Fact]
    public void Every_configuration_resolves_to_what_S3s_rules_resolve_it_to_the_first_time_and_every_time_after()
    {
        var rules = new AmazonS3EndpointProvider();
        var cached = new CachedEndpointProvider(new AmazonS3EndpointProvider());

        for (var round = 0; round < 2; round++)
        {
            foreach (var parameters in Configurations)
            {
                var expected = rules.ResolveEndpoint(parameters);
                var actual = cached.ResolveEndpoint(parameters);
                Assert.Equal(expected.URL, actual.URL);
                Assert.Equal(SigningRegionOf(expected), SigningRegionOf(actual));
            }
        }

        Assert.Equal(7, Configurations.Select(p => rules.ResolveEndpoint(p).URL).Distinct().Count());
    }

    [Fact]
    public void Equal_parameters_are_resolved_once_and_any_difference_resolves_again()
    {
        var counting = new CountingProvider();
        var cached = new CachedEndpointProvider(counting);

        cached.ResolveEndpoint(new S3EndpointParameters { Bucket = "a", Region = "us-east-1" });
        cached.ResolveEndpoint(new S3EndpointParameters { Bucket = "a", Region = "us-east-1" });
        Assert.Equal(1, counting.Calls);

        cached.ResolveEndpoint(new S3EndpointParameters { Bucket = "b", Region = "us-east-1" });
        cached.ResolveEndpoint(new S3EndpointParameters { Bucket = "a", Region = "us-east-1", UseFIPS = true });
        cached.ResolveEndpoint(new S3EndpointParameters { Bucket = "a", Region = "us-east-1", Key = "k" });
        Assert.Equal(4, counting.Calls);
    }

    [Fact]
    public void A_caller_that_changes_its_endpoint_does_not_change_the_next_callers()
    {
        var cached = new CachedEndpointProvider(new AmazonS3EndpointProvider());
        var parameters = new S3EndpointParameters { Bucket = "destination", Region = "eu-west-1" };

        // What the SDK's BaseEndpointResolver does to an endpoint without a trailing slash.
        cached.ResolveEndpoint(parameters).URL += "/changed";

        Assert.Equal(new AmazonS3EndpointProvider().ResolveEndpoint(parameters).URL, cached.ResolveEndpoint(parameters).URL);
    }

    [Fact]
    public void Past_its_capacity_it_still_resolves_every_parameter_set_correctly()
    {
        var counting = new CountingProvider();
        var cached = new CachedEndpointProvider(counting);
        for (var i = 0; i < CachedEndpointProvider.Capacity + 10; i++)
        {
            Assert.Equal($"https://b{i}.example/", cached.ResolveEndpoint(new S3EndpointParameters { Bucket = $"b{i}", Region = "us-east-1" }).URL);
        }

        var bucket = $"b{CachedEndpointProvider.Capacity + 5}";
        var calls = counting.Calls;
        Assert.Equal($"https://{bucket}.example/", cached.ResolveEndpoint(new S3EndpointParameters { Bucket = bucket, Region = "us-east-1" }).URL);
        Assert.Equal(calls + 1, counting.Calls);
    }

    private static string? SigningRegionOf(Endpoint endpoint) =>
        endpoint.Attributes?["authSchemes"] is System.Collections.IList { Count: > 0 } schemes && schemes[0] is PropertyBag first
            ? first["signingRegion"] as string ?? string.Join(",", (first["signingRegionSet"] as IEnumerable<object>) ?? [])
            : null;

    private sealed class CountingProvider : IEndpointProvider
    {
        public int Calls { get; private set; }

        public Endpoint ResolveEndpoint(EndpointParameters parameters)
        {
            Calls++;
            return new Endpoint($"https://{((S3EndpointParameters)parameters).Bucket}.example/");
        }
    }
}
