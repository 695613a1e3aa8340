using System.Collections.Concurrent;
using System.Net;
using Amazon.S3.Model;
using ImageApi.Delivery;
using ImageApi.Processing.Naming;
using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests.Delivery;

/// <summary>After an original is replaced or removed, its renditions at the edge are invalidated: one <c>/images/&lt;key&gt;*</c>.</summary>
[Collection(S3Collection.Name)]
public sealed class EdgeCacheTests(S3Fixture fixture)
{
    [Fact]
    public async Task Replacing_and_removing_an_original_invalidate_its_renditions_and_a_first_upload_does_not()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        var edge = new RecordingEdgeCache();
        using var factory = environment.CreateApp();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IEdgeCache>(edge)));
        var client = app.CreateClient();
        const string key = "uploads/2026/01/01/abc/a.png";

        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = environment.SourceBucket, Key = key, InputStream = new MemoryStream(TestImages.Bytes("alpha.png")), ContentType = "image/png" });
        await environment.DeliverEventsAsync(client, 1);
        Assert.Empty(edge.Invalidated);

        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = environment.SourceBucket, Key = key, InputStream = new MemoryStream(TestImages.Bytes("photo-cups.jpg")), ContentType = "image/png" });
        await environment.DeliverEventsAsync(client, 1);
        Assert.Equal([key], edge.Invalidated);

        await fixture.S3.DeleteObjectAsync(environment.SourceBucket, key);
        await environment.DeliverEventsAsync(client, 1);
        Assert.Equal([key, key], edge.Invalidated);
    }

    [Fact]
    public async Task Cloudfront_gets_one_signed_invalidation_of_the_keys_renditions()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        var handler = new CapturingHandler();
        var cache = new CloudFrontEdgeCache(new HttpClient(handler), "E2EXAMPLE", TimeProvider.System);

        await cache.InvalidateAsync(SourceKey.Parse("uploads/2026/01/01/abc/my photo.jpg"), default);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://cloudfront.amazonaws.com/2020-05-31/distribution/E2EXAMPLE/invalidation", request.RequestUri!.ToString());
        Assert.Contains("<Quantity>1</Quantity><Items><Path>/images/uploads/2026/01/01/abc/my%20photo.jpg*</Path></Items>", body, StringComparison.Ordinal);
        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.Matches(@"^AWS4-HMAC-SHA256 Credential=testing/\d{8}/us-east-1/cloudfront/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date(;x-amz-security-token)?, Signature=[0-9a-f]{64}$", authorization);
    }

    [Fact]
    public void Without_a_distribution_there_is_nothing_to_invalidate()
    {
        using var app = new ImageApiFactory();
        Assert.IsType<NoEdgeCache>(app.Services.GetRequiredService<IEdgeCache>());
    }

    private sealed class RecordingEdgeCache : IEdgeCache
    {
        private readonly ConcurrentQueue<string> _keys = new();

        public IReadOnlyList<string> Invalidated => [.. _keys];

        public Task InvalidateAsync(SourceKey key, CancellationToken cancellationToken)
        {
            _keys.Enqueue(key.Value);
            return Task.CompletedTask;
        }
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.Created);
        }
    }
}
