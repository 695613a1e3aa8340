using System.Collections.Concurrent;
using System.Reflection;
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

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ParametersOf = new();
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

    /// <summary>Every public property of the parameters, by name: a parameter a later SDK adds is part of the key without a change here.</summary>
    internal static string KeyOf(EndpointParameters parameters)
    {
        var properties = ParametersOf.GetOrAdd(parameters.GetType(), type => [.. type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)]);
        return string.Join('\u001f', properties.Select(p => p.Name + "=" + (p.GetValue(parameters) is { } value ? value.ToString() : "\u0000")));
    }
}
