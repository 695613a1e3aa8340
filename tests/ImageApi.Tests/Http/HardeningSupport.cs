using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ImageApi.Storage;
using ImageApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageApi.Tests.Http;

/// <summary>What the hardening tests share: an upload as the page does it, a strict problem check, and storage calls counted.</summary>
internal static class HardeningSupport
{
    /// <summary>Asks for a ticket and PUTs the test image to it.</summary>
    /// <returns>The key and the image URL's path.</returns>
    public static async Task<(string Key, string ImagePath)> UploadTestImageAsync(HttpClient client, string testImage, string contentType)
    {
        var bytes = TestImages.Bytes(testImage);
        var ticketResponse = await client.PostAsJsonAsync("/uploads", new { fileName = testImage, contentType, contentLength = bytes.Length });
        Assert.Equal(HttpStatusCode.Created, ticketResponse.StatusCode);
        var ticket = JsonDocument.Parse(await ticketResponse.Content.ReadAsStringAsync()).RootElement;
        using var put = new HttpRequestMessage(new HttpMethod(ticket.GetProperty("method").GetString()!), ticket.GetProperty("uploadUrl").GetString())
        {
            Content = new ByteArrayContent(bytes),
        };
        put.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var uploaded = await client.SendAsync(put);
        Assert.True(uploaded.IsSuccessStatusCode, $"upload: {(int)uploaded.StatusCode}");
        return (ticket.GetProperty("key").GetString()!, new Uri(ticket.GetProperty("imageUrl").GetString()!).AbsolutePath);
    }

    /// <summary>Asserts a problem+json answer with the API's fields and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:imageapi:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static async Task<string> WaitForFileAsync(string directory, string pattern)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(directory) && Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories).FirstOrDefault() is { } file)
            {
                return file;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {pattern} under {directory}.");
    }

    /// <summary>The app with every storage call counted.</summary>
    public static WebApplicationFactory<Program> Counting(this ImageApiFactory factory, StorageCalls calls) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(ObjectStores));
            services.RemoveAll<ObjectStores>();
            services.AddSingleton(sp =>
            {
                var stores = (ObjectStores)original.ImplementationFactory!(sp);
                return new ObjectStores(new CountingStore(stores.Source, calls), new CountingStore(stores.Destination, calls));
            });
        }));
}

/// <summary>Every call a store received, as "store VERB key".</summary>
internal sealed class StorageCalls
{
    private readonly ConcurrentQueue<string> _calls = new();

    public IReadOnlyList<string> All => [.. _calls];

    public void Add(string call) => _calls.Enqueue(call);

    public void Clear() => _calls.Clear();
}

internal sealed class CountingStore(IObjectStore inner, StorageCalls calls) : IObjectStore
{
    public string Name => inner.Name;

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        calls.Add($"{Name} HEAD {key}");
        return inner.HeadAsync(key, cancellationToken);
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        calls.Add($"{Name} GET {key}");
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<ObjectInfo> PutAsync(string key, Stream content, string contentType, PutMode mode, CancellationToken cancellationToken)
    {
        calls.Add($"{Name} PUT {key}");
        return inner.PutAsync(key, content, contentType, mode, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        calls.Add($"{Name} DELETE {key}");
        return inner.DeleteAsync(key, cancellationToken);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        calls.Add($"{Name} LIST {prefix}");
        await foreach (var key in inner.ListAsync(prefix, cancellationToken))
        {
            yield return key;
        }
    }
}
