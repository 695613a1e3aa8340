using System.Globalization;
using System.Net.Http.Headers;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using ImageApi.Processing.Naming;
using ImageApi.Uploads;

namespace ImageApi.Delivery;

/// <summary>
/// The CDN in front of the renditions. After an original is replaced or removed, its renditions at the
/// edge are stale: <see cref="InvalidateAsync"/> drops every one of them (<c>/images/&lt;key&gt;*</c>).
/// </summary>
public interface IEdgeCache
{
    Task InvalidateAsync(SourceKey key, CancellationToken cancellationToken);
}

/// <summary>No CDN (the folder store, or no distribution configured): nothing to invalidate.</summary>
public sealed class NoEdgeCache : IEdgeCache
{
    public Task InvalidateAsync(SourceKey key, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// One CloudFront invalidation per original (<c>Delivery:DistributionId</c>), through CloudFront's REST
/// API signed with SigV4 (AWSSDK.CloudFront is not used); credentials from the standard chain.
/// </summary>
public sealed class CloudFrontEdgeCache(HttpClient http, string distributionId, TimeProvider time) : IEdgeCache
{
    private static readonly Uri Endpoint = new("https://cloudfront.amazonaws.com/");

    /// <summary>The path pattern that covers every rendition of <paramref name="key"/>, as CloudFront sees the request path.</summary>
    public static string PathPattern(SourceKey key) => "/images/" + UrlPaths.EscapeKey(key.Value) + "*";

    public async Task InvalidateAsync(SourceKey key, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Paths><Quantity>1</Quantity><Items><Path>{SecurityElement.Escape(PathPattern(key))}</Path></Items></Paths><CallerReference>{Guid.NewGuid():N}</CallerReference></InvalidationBatch>");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, $"2020-05-31/distribution/{Uri.EscapeDataString(distributionId)}/invalidation"))
        {
            Content = new StringContent(body, Encoding.UTF8, "text/xml"),
        };
        var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentialsAsync().ConfigureAwait(false);
        Sign(request, Encoding.UTF8.GetBytes(body), credentials, time.GetUtcNow());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"CloudFront answered {(int)response.StatusCode} to the invalidation of {PathPattern(key)}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    /// <summary>SigV4 for CloudFront (a global service: region us-east-1).</summary>
    internal static void Sign(HttpRequestMessage request, byte[] body, ImmutableCredentials credentials, DateTimeOffset now)
    {
        var date = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = date[..8];
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "text/xml; charset=utf-8",
            ["host"] = request.RequestUri!.Host,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = date,
        };
        if (!string.IsNullOrEmpty(credentials.Token))
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{request.Method.Method}\n{request.RequestUri.AbsolutePath}\n\n{string.Concat(headers.Select(h => h.Key + ":" + h.Value + "\n"))}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{day}/us-east-1/cloudfront/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{date}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey);
        foreach (var part in new[] { day, "us-east-1", "cloudfront", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(headers["content-type"]);
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }
}
