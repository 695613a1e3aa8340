using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ImageApi.Tests.Infrastructure;

/// <summary>One moto server (behind a breakable proxy) for every S3 test; each test makes its own buckets and queue.</summary>
public sealed class S3Fixture : IDisposable
{
    public S3Fixture()
    {
        // The app under test takes credentials from the standard chain, as it would in AWS.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Moto = new MotoServer();
        Proxy = new TcpProxy(Moto.Port);
        var credentials = new BasicAWSCredentials("testing", "testing");
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = Moto.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = Moto.Url.ToString(), AuthenticationRegion = "us-east-1" });
    }

    public MotoServer Moto { get; }

    /// <summary>What the app talks to; <see cref="TcpProxy.Stop"/> it to take S3 away.</summary>
    public TcpProxy Proxy { get; }

    /// <summary>Straight to moto, for the tests' own arrangements and checks.</summary>
    public IAmazonS3 S3 { get; }

    public IAmazonSQS Sqs { get; }

    /// <summary>Two buckets and a queue that receives the source bucket's ObjectCreated and ObjectRemoved events.</summary>
    public async Task<S3Environment> CreateEnvironmentAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var environment = new S3Environment(this, $"src-{id}", $"dst-{id}");
        await S3.PutBucketAsync(environment.SourceBucket);
        await S3.PutBucketAsync(environment.DestinationBucket);
        var queue = await Sqs.CreateQueueAsync($"events-{id}");
        environment.QueueUrl = queue.QueueUrl;
        await S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = environment.SourceBucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Queue = $"arn:aws:sqs:us-east-1:123456789012:events-{id}",
                    Events = [EventType.ObjectCreatedAll, EventType.ObjectRemovedAll],
                },
            ],
        });
        return environment;
    }

    public void Dispose()
    {
        S3.Dispose();
        Sqs.Dispose();
        Proxy.Dispose();
        Moto.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3Fixture>
{
    public const string Name = "S3";
}

/// <summary>One test's buckets and queue, and the app configured to use them through the proxy.</summary>
public sealed class S3Environment(S3Fixture fixture, string sourceBucket, string destinationBucket)
{
    public string SourceBucket { get; } = sourceBucket;

    public string DestinationBucket { get; } = destinationBucket;

    public string QueueUrl { get; set; } = "";

    public ImageApiFactory CreateApp(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "S3",
            ["Storage:S3:SourceBucket"] = SourceBucket,
            ["Storage:S3:DestinationBucket"] = DestinationBucket,
            ["Storage:S3:ServiceUrl"] = fixture.Proxy.Url.ToString(),
            ["Storage:S3:ForcePathStyle"] = "true",
            ["Storage:S3:Timeout"] = "00:00:05",
            ["Storage:S3:MaxRetries"] = "1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new ImageApiFactory(settings);
    }

    /// <summary>
    /// Reads the event messages moto put on the queue and posts each one to <c>POST /events</c>,
    /// as the Lambda Web Adapter would. Returns the records' outcomes.
    /// </summary>
    public async Task<List<(string EventName, string Key, string Outcome, string Body)>> DeliverEventsAsync(HttpClient app, int expected)
    {
        var results = new List<(string, string, string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var messages = await fixture.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            foreach (var message in messages.Messages ?? [])
            {
                results.AddRange(await PostEventAsync(app, message.Body));
                await fixture.Sqs.DeleteMessageAsync(QueueUrl, message.ReceiptHandle);
            }
        }

        Assert.True(results.Count >= expected, $"expected {expected} event records, got {results.Count}");
        return results;
    }

    public static async Task<List<(string EventName, string Key, string Outcome, string Body)>> PostEventAsync(HttpClient app, string body)
    {
        var response = await app.PostAsync("/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /events: {(int)response.StatusCode} {text}");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        return json.RootElement.GetProperty("records").EnumerateArray()
            .Select(r => (r.GetProperty("eventName").GetString()!, r.GetProperty("key").GetString()!, r.GetProperty("outcome").GetString()!, body))
            .ToList();
    }

    public async Task<byte[]?> ReadAsync(string bucket, string key)
    {
        try
        {
            using var response = await fixture.S3.GetObjectAsync(bucket, key);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<List<string>> ListAsync(string bucket, string prefix = "")
    {
        var response = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        return (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
    }

    public Task PutOriginalAsync(string key, byte[] bytes, string contentType = "image/jpeg") =>
        fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = SourceBucket, Key = key, InputStream = new MemoryStream(bytes), ContentType = contentType });

    public Task DeleteOriginalAsync(string key) => fixture.S3.DeleteObjectAsync(SourceBucket, key);
}
