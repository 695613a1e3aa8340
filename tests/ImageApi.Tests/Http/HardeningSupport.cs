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

/// <summary>What the hardening tests share: storage calls counted.</summary>
internal static class HardeningSupport
{
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

    /// <summary>Awaited before each PUT reaches the store (after it is counted): a test holds one back with it.</summary>
    public Func<string, Task> BeforePut { get; set; } = _ => Task.CompletedTask;

    /// <summary>Awaited before each HEAD or GET reaches the store (after it is counted), with the call as counted.</summary>
    public Func<string, Task> BeforeRead { get; set; } = _ => Task.CompletedTask;

    /// <summary>Awaited after each GET has been answered, with the call as counted and whether it found the object.</summary>
    public Func<string, bool, Task> AfterGet { get; set; } = (_, _) => Task.CompletedTask;

    public int Count(string call) => _calls.Count(c => c == call);
}

internal sealed class CountingStore(IObjectStore inner, StorageCalls calls) : IObjectStore
{
    public string Name => inner.Name;

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        await Read($"{Name} HEAD {key}");
        return await inner.HeadAsync(key, cancellationToken);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var call = $"{Name} GET {key}";
        await Read(call);
        var found = await inner.GetAsync(key, cancellationToken);
        await calls.AfterGet(call, found is not null);
        return found;
    }

    private Task Read(string call)
    {
        calls.Add(call);
        return calls.BeforeRead(call);
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, string contentType, PutMode mode, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? metadata = null)
    {
        calls.Add($"{Name} PUT {key}");
        await calls.BeforePut(key);
        return await inner.PutAsync(key, content, contentType, mode, cancellationToken, metadata);
    }

    public Task<ObjectInfo?> ReplaceMetadataAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        calls.Add($"{Name} METADATA {key}");
        return inner.ReplaceMetadataAsync(key, metadata, cancellationToken);
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
