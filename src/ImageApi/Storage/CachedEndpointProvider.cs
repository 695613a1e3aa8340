using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Amazon.Runtime.Endpoints;
using Endpoint = Amazon.Runtime.Endpoints.Endpoint;

namespace ImageApi.Storage;

/// <summary>
/// Remembers what the SDK's endpoint provider resolved for each set of endpoint parameters. The SDK runs
/// its S3 rules engine (URL parsing, JSON attributes) four times for every presigned GET and again for every
/// call: about half the CPU of a presign, on every stored-rendition request. The rules are a pure function
/// of the parameters, which in this service take a handful of values (a bucket, a region, a few flags), so
/// each set is resolved once.
/// </summary>
public sealed class CachedEndpointProvider(IEndpointProvider inner) : IEndpointProvider
{
    /// <summary>Beyond this many parameter sets (a parameter that varies per call), endpoints are resolved every time.</summary>
    public const int Capacity = 256;

    private static readonly ConcurrentDictionary<Type, Func<EndpointParameters, object?>[]> GettersOf = new();
    [ThreadStatic]
    private static StringBuilder? _keyBuilder;

    private readonly ConcurrentDictionary<string, Endpoint> _resolved = new(StringComparer.Ordinal);

    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        var key = KeyOf(parameters);
        if (!_resolved.TryGetValue(key, out var endpoint))
        {
            endpoint = inner.ResolveEndpoint(parameters);
            if (_resolved.Count < Capacity)
            {
                _resolved.TryAdd(key, endpoint);
            }
        }

        // A copy: the SDK appends a slash to the URL of the endpoint it is given (BaseEndpointResolver).
        return new Endpoint(endpoint.URL) { Attributes = endpoint.Attributes, Headers = endpoint.Headers };
    }

    /// <summary>
    /// The parameters' type and every public property's value, in name order: a parameter a later SDK adds is
    /// part of the key without a change here. Runs several times per S3 call, so the getters are bound once
    /// and the key is built in one reused buffer.
    /// </summary>
    internal static string KeyOf(EndpointParameters parameters)
    {
        var type = parameters.GetType();
        var getters = GettersOf.GetOrAdd(type, static t => [.. t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(Getter)]);
        var key = _keyBuilder ??= new StringBuilder(256);
        key.Clear().Append(type.FullName);
        foreach (var getter in getters)
        {
            // A separator that no bucket, region or URL contains; an absent value is not an empty one.
            key.Append('\u001f').Append(getter(parameters) is { } value ? value.ToString() : "\u0000");
        }

        return key.ToString();
    }

    // A delegate bound to each getter: with PropertyInfo.GetValue a key took 2.3× as long (1.4 µs), several times per S3 call.
    private static Func<EndpointParameters, object?> Getter(PropertyInfo property) =>
        (Func<EndpointParameters, object?>)typeof(CachedEndpointProvider).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(property.DeclaringType!, property.PropertyType).Invoke(null, [property.GetMethod!])!;

    private static Func<EndpointParameters, object?> Bind<TParameters, TValue>(MethodInfo getter)
        where TParameters : EndpointParameters
    {
        var get = getter.CreateDelegate<Func<TParameters, TValue>>();
        return parameters => get((TParameters)parameters);
    }
}
