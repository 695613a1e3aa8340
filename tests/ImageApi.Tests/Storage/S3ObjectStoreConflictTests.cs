using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using ImageApi.Storage;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Storage;

/// <summary>
/// S3's <c>409 ConditionalRequestConflict</c>: another conditional write to the key was in flight. It
/// means "send again", not "exists". An HTTP layer in front of moto answers 409 to chosen PUTs.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3ObjectStoreConflictTests(S3Fixture fixture)
{
    [Fact]
    public async Task A_conditional_put_answered_409_once_is_sent_again_and_stored()
    {
        var conflicts = new ConflictingHandler(conflictsLeft: 1);
        var store = await CreateStoreAsync(conflicts);

        var stored = await store.PutAsync("k/a", new MemoryStream([1, 2, 3]), "application/octet-stream", PutMode.CreateOnly, default);

        Assert.Equal(2, conflicts.Puts);
        await using var read = await store.GetAsync("k/a", default);
        Assert.NotNull(read);
        using var buffer = new MemoryStream();
        await read.Content.CopyToAsync(buffer);
        Assert.Equal([1, 2, 3], buffer.ToArray());
        Assert.Equal(stored.ETag, read.Info.ETag);
    }

    [Fact]
    public async Task A_409_on_a_key_that_then_turns_out_to_exist_is_already_exists()
    {
        var conflicts = new ConflictingHandler(conflictsLeft: 0);
        var store = await CreateStoreAsync(conflicts);
        await store.PutAsync("k/a", new MemoryStream([1]), "application/octet-stream", PutMode.CreateOnly, default);
        conflicts.ConflictsLeft = 1;

        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.PutAsync("k/a", new MemoryStream([9]), "application/octet-stream", PutMode.CreateOnly, default));
        Assert.Equal(3, conflicts.Puts);
    }

    [Fact]
    public async Task A_409_that_does_not_go_away_is_storage_unavailable_not_exists()
    {
        var conflicts = new ConflictingHandler(conflictsLeft: int.MaxValue);
        var store = await CreateStoreAsync(conflicts);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutAsync("k/a", new MemoryStream([1]), "application/octet-stream", PutMode.CreateOnly, default));
        Assert.Equal(S3ObjectStore.ConditionalWriteAttempts, conflicts.Puts);
    }

    private async Task<S3ObjectStore> CreateStoreAsync(ConflictingHandler handler)
    {
        var environment = await fixture.CreateEnvironmentAsync();
        var client = new AmazonS3Client(new BasicAWSCredentials("testing", "testing"), new AmazonS3Config
        {
            ServiceURL = fixture.Moto.Url.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = new HandlerFactory(handler),
        });
        return new S3ObjectStore("source", client, environment.SourceBucket);
    }

    private sealed class HandlerFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    /// <summary>Passes everything to moto, but answers the next <see cref="ConflictsLeft"/> conditional PUTs as S3 does under contention.</summary>
    private sealed class ConflictingHandler(int conflictsLeft) : DelegatingHandler(new HttpClientHandler())
    {
        public int ConflictsLeft { get; set; } = conflictsLeft;

        public int Puts { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Put || !request.Headers.Contains("If-None-Match"))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            Puts++;
            if (ConflictsLeft <= 0)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            ConflictsLeft--;
            if (request.Content is not null)
            {
                await request.Content.ReadAsByteArrayAsync(cancellationToken);
            }

            const string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ConditionalRequestConflict</Code>" +
                "<Message>A conflicting conditional operation is currently in progress against this resource. Please try again.</Message>" +
                "<RequestId>TEST</RequestId><HostId>TEST</HostId></Error>";
            return new HttpResponseMessage(HttpStatusCode.Conflict)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/xml"),
                RequestMessage = request,
            };
        }
    }
}
