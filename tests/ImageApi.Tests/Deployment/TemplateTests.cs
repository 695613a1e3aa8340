using System.Text.Json;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>serverless.template: valid for cfn-lint, and wired the way the service needs.</summary>
public sealed class TemplateTests
{
    private static readonly JsonElement Template = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("serverless.template"))).RootElement;
    private static JsonElement AllResources => Template.GetProperty("Resources");

    private static JsonElement Resource(string name) => AllResources.GetProperty(name);

    private static JsonElement Properties(string name) => Resource(name).GetProperty("Properties");

    private static Dictionary<string, string> Environment(string function) =>
        Properties(function).GetProperty("Environment").GetProperty("Variables").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString());

    [Fact]
    public async Task Cfn_lint_finds_nothing()
    {
        var (exit, output) = await Repository.RunAsync("cfn-lint", ["serverless.template"]);
        Assert.True(exit == 0, output);
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public void Parameters_cover_what_differs_per_deployment()
    {
        var parameters = Template.GetProperty("Parameters").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Subset(parameters, new HashSet<string> { "StageName", "AllowedOrigins", "AdapterLayerArnX86", "AdapterLayerArnArm64", "Architecture", "MemorySize", "CacheMaxAgeSeconds", "BucketNamePrefix" });
        Assert.Equal(["x86_64", "arm64"], Template.GetProperty("Parameters").GetProperty("Architecture").GetProperty("AllowedValues").EnumerateArray().Select(v => v.GetString()));
    }

    [Theory]
    [InlineData("SourceBucket")]
    [InlineData("DestinationBucket")]
    public void Buckets_block_public_access_and_encrypt(string bucket)
    {
        var properties = Properties(bucket);
        var block = properties.GetProperty("PublicAccessBlockConfiguration");
        foreach (var setting in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
        {
            Assert.True(block.GetProperty(setting).GetBoolean(), setting);
        }

        Assert.Equal("AES256", properties.GetProperty("BucketEncryption").GetProperty("ServerSideEncryptionConfiguration")[0]
            .GetProperty("ServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
    }

    [Fact]
    public void Source_bucket_lets_allowed_origins_put_with_the_signed_headers_and_aborts_incomplete_uploads()
    {
        var properties = Properties("SourceBucket");
        var cors = properties.GetProperty("CorsConfiguration").GetProperty("CorsRules")[0];
        Assert.Equal("AllowedOrigins", cors.GetProperty("AllowedOrigins").GetProperty("Ref").GetString());
        Assert.Equal(["PUT"], cors.GetProperty("AllowedMethods").EnumerateArray().Select(m => m.GetString()));
        // The headers an upload ticket lists (S3UploadSigner): the focal point travels as S3 user metadata.
        Assert.Equal(["content-type", "if-none-match", "x-amz-meta-focal-point"], cors.GetProperty("AllowedHeaders").EnumerateArray().Select(m => m.GetString()));
        var rule = properties.GetProperty("LifecycleConfiguration").GetProperty("Rules")[0];
        Assert.Equal(1, rule.GetProperty("AbortIncompleteMultipartUpload").GetProperty("DaysAfterInitiation").GetInt32());
    }

    [Fact]
    public void Both_functions_come_from_one_build_behind_the_web_adapter()
    {
        var globals = Template.GetProperty("Globals").GetProperty("Function");
        Assert.Equal("artifacts/imageapi-lambda.zip", globals.GetProperty("CodeUri").GetString());
        Assert.Equal("run.sh", globals.GetProperty("Handler").GetString());
        Assert.Equal("dotnet10", globals.GetProperty("Runtime").GetString());
        Assert.Contains("LambdaAdapterLayer", globals.GetProperty("Layers")[0].ToString(), StringComparison.Ordinal);
        foreach (var function in new[] { "HttpFunction", "EventFunction" })
        {
            Assert.False(Properties(function).TryGetProperty("CodeUri", out _));
            var environment = Environment(function);
            Assert.Equal("/opt/bootstrap", environment["AWS_LAMBDA_EXEC_WRAPPER"]);
            Assert.Equal("S3", environment["Storage__Provider"]);
            Assert.Contains("-originals", environment["Storage__S3__SourceBucket"], StringComparison.Ordinal);
            Assert.Contains("-renditions", environment["Storage__S3__DestinationBucket"], StringComparison.Ordinal);
            Assert.Equal("/healthz", environment["AWS_LWA_READINESS_CHECK_PATH"]);
        }
    }

    [Fact]
    public void Http_function_serves_the_catch_all_route_without_events()
    {
        var api = Properties("HttpFunction").GetProperty("Events").GetProperty("Api");
        Assert.Equal("HttpApi", api.GetProperty("Type").GetString());
        Assert.False(api.GetProperty("Properties").TryGetProperty("Path", out _), "no Path: the $default catch-all route");
        var environment = Environment("HttpFunction");
        Assert.Equal("false", environment["Events__Enabled"]);
        Assert.Equal("true", environment["Delivery__TrustForwardedHeaders"]);
        Assert.True(long.Parse(environment["Delivery__RedirectAboveBytes"], System.Globalization.CultureInfo.InvariantCulture) <= 4_400_000);
    }

    [Fact]
    public void Event_function_takes_s3_events_retries_on_5xx_and_dead_letters()
    {
        var properties = Properties("EventFunction");
        var s3 = properties.GetProperty("Events").GetProperty("SourceUpload");
        Assert.Equal("S3", s3.GetProperty("Type").GetString());
        var settings = s3.GetProperty("Properties");
        Assert.Equal("SourceBucket", settings.GetProperty("Bucket").GetProperty("Ref").GetString());
        Assert.Equal(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], settings.GetProperty("Events").EnumerateArray().Select(e => e.GetString()));
        var rule = settings.GetProperty("Filter").GetProperty("S3Key").GetProperty("Rules")[0];
        Assert.Equal(("prefix", "uploads/"), (rule.GetProperty("Name").GetString(), rule.GetProperty("Value").GetString()));

        var environment = Environment("EventFunction");
        Assert.Equal("/events", environment["AWS_LWA_PASS_THROUGH_PATH"]);
        Assert.Equal("500-599", environment["AWS_LWA_ERROR_STATUS_CODES"]);
        Assert.Equal("true", environment["Events__Enabled"]);

        var invoke = properties.GetProperty("EventInvokeConfig");
        Assert.InRange(invoke.GetProperty("MaximumRetryAttempts").GetInt32(), 1, 2);
        var onFailure = invoke.GetProperty("DestinationConfig").GetProperty("OnFailure");
        Assert.Equal("SQS", onFailure.GetProperty("Type").GetString());
        Assert.Equal("DeadLetterQueue", onFailure.GetProperty("Destination").GetProperty("Fn::GetAtt")[0].GetString());
        Assert.Equal("AWS::SQS::Queue", Resource("DeadLetterQueue").GetProperty("Type").GetString());
    }

    [Theory]
    [InlineData("HttpFunction")]
    [InlineData("EventFunction")]
    public void Policies_are_least_privilege_without_wildcards(string function)
    {
        var statements = Properties(function).GetProperty("Policies")[0].GetProperty("Statement").EnumerateArray().ToList();
        foreach (var statement in statements)
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            foreach (var action in statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!))
            {
                Assert.DoesNotContain("*", action, StringComparison.Ordinal);
            }

            foreach (var resource in statement.GetProperty("Resource").EnumerateArray()
                .Select(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("Fn::Sub", out var sub) ? sub.GetString()! : r.ToString()))
            {
                Assert.NotEqual("*", resource);
                if (resource.Contains("arn:${AWS::Partition}:s3:::", StringComparison.Ordinal))
                {
                    // Objects only under the prefix the service owns; buckets by exact name.
                    Assert.True(resource.EndsWith("/uploads/*", StringComparison.Ordinal) || resource.EndsWith("/processed/*", StringComparison.Ordinal) || !resource.Contains('*', StringComparison.Ordinal), resource);
                }
            }
        }

        var actions = statements.SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString())).ToHashSet();
        Assert.Equal(function == "EventFunction", actions.Contains("s3:DeleteObject"));
    }

    [Fact]
    public void Policies_name_buckets_without_referencing_them_so_there_is_no_circular_dependency()
    {
        foreach (var function in new[] { "HttpFunction", "EventFunction" })
        {
            var policies = Properties(function).GetProperty("Policies").ToString();
            Assert.DoesNotContain("\"Ref\":\"SourceBucket\"", policies.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("SourceBucket.Arn", policies, StringComparison.Ordinal);
        }

        Assert.Contains("${BucketNamePrefix}", Properties("SourceBucket").GetProperty("BucketName").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cloudfront_caches_on_the_transform_parameters_and_the_accept_class_only_and_never_sends_host()
    {
        var key = Properties("ImageCachePolicy").GetProperty("CachePolicyConfig").GetProperty("ParametersInCacheKeyAndForwardedToOrigin");
        var query = key.GetProperty("QueryStringsConfig");
        // All that is left of the query once the viewer-request function has reduced it to the table's
        // canonical names (CloudFrontFunctionTests); a whitelist would hold only 10 of them.
        Assert.Equal("all", query.GetProperty("QueryStringBehavior").GetString());
        Assert.True(TransformParameters.All.Count > 10);
        // Accept is in the key only as the class the viewer-request function reduces it to (CloudFrontFunctionTests).
        var headers = key.GetProperty("HeadersConfig");
        Assert.Equal("whitelist", headers.GetProperty("HeaderBehavior").GetString());
        Assert.Equal(["Accept"], headers.GetProperty("Headers").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("none", key.GetProperty("CookiesConfig").GetProperty("CookieBehavior").GetString());

        // Beyond the cache key, the origin gets the viewer's address (for per-client limits), never Host.
        var origin = Properties("ImageOriginRequestPolicy").GetProperty("OriginRequestPolicyConfig").GetProperty("HeadersConfig");
        Assert.Equal(["CloudFront-Viewer-Address"], origin.GetProperty("Headers").EnumerateArray().Select(h => h.GetString()));

        var distribution = Properties("Distribution").GetProperty("DistributionConfig");
        var images = distribution.GetProperty("CacheBehaviors").EnumerateArray().Single(b => b.GetProperty("PathPattern").GetString() == "/images/*");
        Assert.Equal("ImageCachePolicy", images.GetProperty("CachePolicyId").GetProperty("Ref").GetString());
        Assert.Equal("https-only", images.GetProperty("ViewerProtocolPolicy").GetString());
        Assert.Contains("ViewerRequestFunction", images.GetProperty("FunctionAssociations")[0].ToString(), StringComparison.Ordinal);

        var fallback = distribution.GetProperty("DefaultCacheBehavior");
        Assert.Equal("https-only", fallback.GetProperty("ViewerProtocolPolicy").GetString());
        // AWS's managed "AllViewerExceptHostHeader": API Gateway must see its own host name.
        Assert.Equal("b689b0a8-53d0-40ab-baf2-68738e2966ac", fallback.GetProperty("OriginRequestPolicyId").GetString());
        Assert.Equal("https-only", distribution.GetProperty("Origins")[0].GetProperty("CustomOriginConfig").GetProperty("OriginProtocolPolicy").GetString());
    }

    [Fact]
    public void The_inline_cloudfront_function_is_the_tested_file()
    {
        var inline = Properties("ViewerRequestFunction").GetProperty("FunctionCode").GetProperty("Fn::Sub").GetString();
        Assert.Equal(File.ReadAllText(Repository.PathOf("deploy", "cloudfront", "viewer-request.js")), inline);
        Assert.Equal("cloudfront-js-2.0", Properties("ViewerRequestFunction").GetProperty("FunctionConfig").GetProperty("Runtime").GetString());
    }

    [Fact]
    public void Uploads_need_credentials_unless_anonymous_uploads_are_chosen()
    {
        var rule = Template.GetProperty("Rules").GetProperty("UploadsNeedCredentials");
        Assert.Contains("AllowAnonymousUploads", rule.GetProperty("RuleCondition").ToString(), StringComparison.Ordinal);
        var assertion = rule.GetProperty("Assertions")[0].GetProperty("Assert").ToString();
        Assert.Contains("UploadApiKey", assertion, StringComparison.Ordinal);
        Assert.Contains("JwtAuthority", assertion, StringComparison.Ordinal);
        Assert.Equal("false", Template.GetProperty("Parameters").GetProperty("AllowAnonymousUploads").GetProperty("Default").GetString());
        Assert.True(Template.GetProperty("Parameters").GetProperty("UploadApiKey").GetProperty("NoEcho").GetBoolean());
        Assert.True(Template.GetProperty("Parameters").GetProperty("TransformSigningKey").GetProperty("NoEcho").GetBoolean());

        var environment = Properties("HttpFunction").GetProperty("Environment").GetProperty("Variables");
        Assert.Equal("AllowAnonymousUploads", environment.GetProperty("Uploads__AllowAnonymous").GetProperty("Ref").GetString());
        Assert.Contains("HasSigningKey", environment.GetProperty("Signing__Required").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Alarms_and_outputs_exist()
    {
        var alarms = AllResources.EnumerateObject().Where(r => r.Value.GetProperty("Type").GetString() == "AWS::CloudWatch::Alarm").Select(r => r.Value.GetProperty("Properties")).ToList();
        Assert.Contains(alarms, a => a.GetProperty("MetricName").GetString() == "ApproximateNumberOfMessagesVisible");
        Assert.Contains(alarms, a => a.GetProperty("MetricName").GetString() == "Errors" && a.ToString().Contains("HttpFunction", StringComparison.Ordinal));
        Assert.Contains(alarms, a => a.GetProperty("MetricName").GetString() == "Errors" && a.ToString().Contains("EventFunction", StringComparison.Ordinal));
        var outputs = Template.GetProperty("Outputs").EnumerateObject().Select(o => o.Name).ToHashSet();
        Assert.Subset(outputs, new HashSet<string> { "CloudFrontUrl", "ApiUrl", "SourceBucketName", "DestinationBucketName" });
    }
}
