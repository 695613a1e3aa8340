using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Deployment;

/// <summary>The template's Rules, evaluated on parameter values as CloudFormation does before it creates anything.</summary>
public sealed class TemplateRulesTests
{
    private static readonly JsonElement Template = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("serverless.template"))).RootElement;

    [Theory]
    [InlineData("", "", false)]
    [InlineData("a-transform-signing-key-of-at-least-32-chars", "", true)]
    [InlineData("", "320,640", true)]
    [InlineData("a-transform-signing-key-of-at-least-32-chars", "320,640", true)]
    public void A_deployment_needs_a_signing_key_or_allowed_widths(string signingKey, string widths, bool deploys)
    {
        var values = Defaults();
        values["TransformSigningKey"] = signingKey;
        values["AllowedWidths"] = widths;
        Assert.Equal(deploys, RulesHold(values));
    }

    [Fact]
    public void Presets_only_is_a_limit_too()
    {
        var values = Defaults();
        (values["TransformSigningKey"], values["AllowedWidths"], values["PresetsOnly"]) = ("", "", "true");
        Assert.True(RulesHold(values));
        values["PresetsOnly"] = "false";
        Assert.False(RulesHold(values));
    }

    [Theory]
    [InlineData("s3://site-marks/brand/mark.png", true)]
    [InlineData("marks/mark.png", false)]
    [InlineData("", false)]
    public void An_s3_watermark_is_readable_by_both_functions_and_nothing_more(string image, bool s3)
    {
        var values = Defaults();
        values["WatermarkImage"] = image;
        Assert.Equal(s3, Truth(Template.GetProperty("Conditions").GetProperty("HasS3Watermark"), values));
        foreach (var function in new[] { "HttpFunction", "EventFunction" })
        {
            var properties = Template.GetProperty("Resources").GetProperty(function).GetProperty("Properties");
            var variables = properties.GetProperty("Environment").GetProperty("Variables");
            foreach (var setting in new[] { "Watermarks__Image", "Watermarks__Gravity", "Watermarks__Opacity", "Watermarks__KeyPrefixes" })
            {
                Assert.True(variables.TryGetProperty(setting, out _), $"{function} lacks {setting}");
            }

            var mark = properties.GetProperty("Policies").EnumerateArray().Single(p => p.TryGetProperty("Fn::If", out var i) && i[0].GetString() == "HasS3Watermark").GetProperty("Fn::If")[1];
            var statement = mark.GetProperty("Statement").EnumerateArray().Single();
            Assert.Equal(["s3:GetObject"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
            var sub = statement.GetProperty("Resource")[0].GetProperty("Fn::Sub");
            Assert.Equal("arn:${AWS::Partition}:s3:::${Object}", sub[0].GetString());
            if (s3)
            {
                Assert.Equal("site-marks/brand/mark.png", Value(sub[1].GetProperty("Object"), values));
            }
        }

        var presetsOnly = Template.GetProperty("Resources").GetProperty("HttpFunction").GetProperty("Properties").GetProperty("Environment").GetProperty("Variables").GetProperty("Presets__Only");
        Assert.Equal("PresetsOnly", presetsOnly.GetProperty("Ref").GetString());
        var pattern = new System.Text.RegularExpressions.Regex(Template.GetProperty("Parameters").GetProperty("WatermarkImage").GetProperty("AllowedPattern").GetString()!);
        Assert.Matches(pattern, image);
        Assert.DoesNotMatch(pattern, "s3://Bad_Bucket/mark.png");
        Assert.DoesNotMatch(pattern, "s3://marks");
        Assert.DoesNotMatch(pattern, "mark.jpg");
    }

    [Fact]
    public void Allowed_widths_reach_the_http_function()
    {
        var variable = Template.GetProperty("Resources").GetProperty("HttpFunction").GetProperty("Properties").GetProperty("Environment").GetProperty("Variables").GetProperty("Renditions__AllowedWidths");
        Assert.Contains("\"AllowedWidths\"", variable.ToString(), StringComparison.Ordinal);
        var pattern = new System.Text.RegularExpressions.Regex(Template.GetProperty("Parameters").GetProperty("AllowedWidths").GetProperty("AllowedPattern").GetString()!);
        Assert.Matches(pattern, "320,640,960,1280");
        Assert.Matches(pattern, "");
        Assert.DoesNotMatch(pattern, "320, 640");
        Assert.DoesNotMatch(pattern, "0");
        Assert.DoesNotMatch(pattern, "320,,640");
    }

    [Fact]
    public void The_dead_letter_queue_keeps_its_messages_when_the_stack_is_deleted_or_replaced()
    {
        var queue = Template.GetProperty("Resources").GetProperty("DeadLetterQueue");
        Assert.Equal("Retain", queue.GetProperty("DeletionPolicy").GetString());
        Assert.Equal("Retain", queue.GetProperty("UpdateReplacePolicy").GetString());
    }

    [Fact]
    public void The_services_timeouts_end_before_the_http_functions()
    {
        var function = Template.GetProperty("Resources").GetProperty("HttpFunction").GetProperty("Properties");
        var lambda = TimeSpan.FromSeconds(function.GetProperty("Timeout").GetInt32());
        var environment = function.GetProperty("Environment").GetProperty("Variables");
        var render = TimeSpan.Parse(environment.GetProperty("Limits__RenderTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var s3 = TimeSpan.Parse(environment.GetProperty("Storage__S3__Timeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var attempts = 1 + int.Parse(environment.GetProperty("Storage__S3__MaxRetries").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // A slow render, then S3 slow on every attempt, still answers 503 before Lambda kills the request.
        Assert.True(render + (attempts * s3) < lambda, $"{render} + {attempts} × {s3} must end before the function's {lambda}");
    }

    [Fact]
    public void Cloudfront_sends_the_origin_secret_the_http_function_requires()
    {
        var resources = Template.GetProperty("Resources");
        var header = resources.GetProperty("Distribution").GetProperty("Properties").GetProperty("DistributionConfig").GetProperty("Origins")[0]
            .GetProperty("OriginCustomHeaders").EnumerateArray().Single(h => h.GetProperty("HeaderName").GetString() == "X-Origin-Secret");
        var required = resources.GetProperty("HttpFunction").GetProperty("Properties").GetProperty("Environment").GetProperty("Variables").GetProperty("Delivery__OriginSecret");
        Assert.Equal(JsonSerializer.Serialize(header.GetProperty("HeaderValue")), JsonSerializer.Serialize(required));

        // Given at deploy, or generated: the same value either way.
        Assert.Contains("\"OriginSecret\"", required.ToString(), StringComparison.Ordinal);
        Assert.Contains("resolve:secretsmanager:${GeneratedOriginSecret}", required.ToString(), StringComparison.Ordinal);
        Assert.True(Template.GetProperty("Parameters").GetProperty("OriginSecret").GetProperty("NoEcho").GetBoolean());
        Assert.Equal("GenerateOriginSecret", resources.GetProperty("GeneratedOriginSecret").GetProperty("Condition").GetString());

        // The event function is invoked by S3, not through CloudFront: it must not require it.
        Assert.False(resources.GetProperty("EventFunction").GetProperty("Properties").GetProperty("Environment").GetProperty("Variables").TryGetProperty("Delivery__OriginSecret", out _));
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("v2", true)]
    [InlineData("images", false)]
    [InlineData("uploads", false)]
    [InlineData("events", false)]
    [InlineData("healthz", false)]
    [InlineData("swagger", false)]
    [InlineData("images2", true)]
    public void The_stage_name_is_never_a_routes_first_segment(string stage, bool allowed)
    {
        // The adapter strips /<stage> from every path: a stage named like a route would eat the route.
        var pattern = new System.Text.RegularExpressions.Regex(Template.GetProperty("Parameters").GetProperty("StageName").GetProperty("AllowedPattern").GetString()!);
        Assert.Equal(allowed, pattern.IsMatch(stage));
    }

    [Fact]
    public void The_cache_max_age_is_at_most_cloudfronts_maximum_ttl()
    {
        var maxTtl = Template.GetProperty("Resources").GetProperty("ImageCachePolicy").GetProperty("Properties").GetProperty("CachePolicyConfig").GetProperty("MaxTTL").GetInt64();
        Assert.Equal(maxTtl, Template.GetProperty("Parameters").GetProperty("CacheMaxAgeSeconds").GetProperty("MaxValue").GetInt64());
    }

    [Theory]
    [InlineData("ImageCachePolicy", "CachePolicyConfig")]
    [InlineData("ImageOriginRequestPolicy", "OriginRequestPolicyConfig")]
    [InlineData("ViewerRequestFunction", null)]
    public void Global_cloudfront_names_include_the_region(string resource, string? config)
    {
        // CloudFront names are global to the account: the same stack in two regions must not collide.
        var properties = Template.GetProperty("Resources").GetProperty(resource).GetProperty("Properties");
        var name = (config is null ? properties : properties.GetProperty(config)).GetProperty("Name").GetProperty("Fn::Sub").GetString();
        Assert.Contains("${AWS::StackName}", name, StringComparison.Ordinal);
        Assert.Contains("${AWS::Region}", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alarm_notifies_the_optional_topic_or_e_mail()
    {
        var resources = Template.GetProperty("Resources");
        var alarms = resources.EnumerateObject().Where(r => r.Value.GetProperty("Type").GetString() == "AWS::CloudWatch::Alarm").ToList();
        Assert.Equal(3, alarms.Count);
        Assert.All(alarms, alarm =>
        {
            var actions = alarm.Value.GetProperty("Properties").GetProperty("AlarmActions").ToString();
            Assert.Contains("AlarmTopicArn", actions, StringComparison.Ordinal);
            Assert.Contains("AlarmEmailTopic", actions, StringComparison.Ordinal);
        });
        Assert.Equal("", Template.GetProperty("Parameters").GetProperty("AlarmTopicArn").GetProperty("Default").GetString());
        Assert.Equal("CreateAlarmTopic", resources.GetProperty("AlarmEmailTopic").GetProperty("Condition").GetString());
    }

    [Fact]
    public void The_http_api_answers_the_upload_preflight_for_the_allowed_origins()
    {
        var cors = Template.GetProperty("Resources").GetProperty("HttpApi").GetProperty("Properties").GetProperty("CorsConfiguration");
        Assert.Equal("AllowedOrigins", cors.GetProperty("AllowOrigins").GetProperty("Ref").GetString());
        Assert.Equal(["POST"], cors.GetProperty("AllowMethods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["content-type", "x-api-key", "authorization"], cors.GetProperty("AllowHeaders").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void The_event_function_may_invalidate_only_its_own_distribution()
    {
        var function = Template.GetProperty("Resources").GetProperty("EventFunction").GetProperty("Properties");
        Assert.Equal("Distribution", function.GetProperty("Environment").GetProperty("Variables").GetProperty("Delivery__DistributionId").GetProperty("Ref").GetString());
        var statement = function.GetProperty("Policies")[0].GetProperty("Statement").EnumerateArray()
            .Single(s => s.GetProperty("Action").ToString().Contains("cloudfront:", StringComparison.Ordinal));
        Assert.Equal(["cloudfront:CreateInvalidation"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}", statement.GetProperty("Resource")[0].GetProperty("Fn::Sub").GetString());
    }

    [Theory]
    [InlineData("x86_64", "", "", "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerX86:30")]
    [InlineData("arm64", "", "", "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerArm64:30")]
    [InlineData("x86_64", "arn:aws:lambda:eu-west-1:111122223333:layer:MyAdapter:4", "", "arn:aws:lambda:eu-west-1:111122223333:layer:MyAdapter:4")]
    [InlineData("arm64", "arn:aws:lambda:eu-west-1:111122223333:layer:MyAdapter:4", "", "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerArm64:30")]
    [InlineData("arm64", "", "arn:aws:lambda:eu-west-1:111122223333:layer:MyArmAdapter:2", "arn:aws:lambda:eu-west-1:111122223333:layer:MyArmAdapter:2")]
    public void The_adapter_layer_is_a_parameter_per_architecture_with_a_stable_default(string architecture, string x86, string arm64, string expected)
    {
        var values = Defaults();
        values["Architecture"] = architecture;
        values["AdapterLayerArnX86"] = x86;
        values["AdapterLayerArnArm64"] = arm64;
        values["AWS::Region"] = "eu-west-1";
        values["AWS::Partition"] = "aws";
        var layers = Template.GetProperty("Globals").GetProperty("Function").GetProperty("Layers");
        Assert.Equal(expected, Resolve(Assert.Single(layers.EnumerateArray()), values));
    }

    [Fact]
    public void Adapter_layer_parameters_take_a_layer_version_arn_or_nothing()
    {
        foreach (var name in new[] { "AdapterLayerArnX86", "AdapterLayerArnArm64" })
        {
            var pattern = new System.Text.RegularExpressions.Regex(Template.GetProperty("Parameters").GetProperty(name).GetProperty("AllowedPattern").GetString()!);
            Assert.Matches(pattern, "");
            Assert.Matches(pattern, "arn:aws-cn:lambda:cn-north-1:041581134020:layer:LambdaAdapterLayerX86:30");
            Assert.DoesNotMatch(pattern, "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerX86");
            Assert.DoesNotMatch(pattern, "30");
            Assert.DoesNotMatch(pattern, "arn:aws:s3:::bucket");
        }
    }

    [Theory]
    [InlineData("", "", "", true)]
    [InlineData("images-origin.example.com", Certificate, "", true)]
    [InlineData("images-origin.example.com", Certificate, "Z0123456789ABCDEFGHIJ", true)]
    [InlineData("images-origin.example.com", "", "", false)]
    [InlineData("", Certificate, "", false)]
    [InlineData("", "", "Z0123456789ABCDEFGHIJ", false)]
    public void An_origin_domain_needs_its_certificate(string domain, string certificate, string zone, bool deploys)
    {
        var values = Defaults();
        values["OriginDomainName"] = domain;
        values["OriginCertificateArn"] = certificate;
        values["OriginHostedZoneId"] = zone;
        Assert.Equal(deploys, RulesHold(values));
    }

    [Fact]
    public void With_an_origin_domain_cloudfront_uses_it_and_the_execute_api_endpoint_is_disabled()
    {
        var values = Defaults();
        values["OriginDomainName"] = "images-origin.example.com";
        values["OriginCertificateArn"] = Certificate;
        Assert.True(RulesHold(values));
        var resources = Template.GetProperty("Resources");
        Assert.Equal("true", Resolve(resources.GetProperty("HttpApi").GetProperty("Properties").GetProperty("DisableExecuteApiEndpoint"), values));
        var origin = resources.GetProperty("Distribution").GetProperty("Properties").GetProperty("DistributionConfig").GetProperty("Origins")[0];
        Assert.Equal("images-origin.example.com", Resolve(origin.GetProperty("DomainName"), values));
        Assert.Null(Resolve(origin.GetProperty("OriginPath"), values));
        // The mapping has no key, so the stage is not in the path CloudFront sends.
        var mapping = resources.GetProperty("OriginApiMapping");
        Assert.True(Holds(mapping.GetProperty("Condition").GetString()!, values));
        Assert.False(mapping.GetProperty("Properties").TryGetProperty("ApiMappingKey", out _));
        Assert.Equal("HttpApi.Stage", mapping.GetProperty("Properties").GetProperty("Stage").GetProperty("Ref").GetString());
        Assert.Equal("REGIONAL", resources.GetProperty("OriginDomain").GetProperty("Properties").GetProperty("DomainNameConfigurations")[0].GetProperty("EndpointType").GetString());
        // Without a hosted zone the operator points a CNAME at OriginTarget; with one the stack makes A and AAAA.
        Assert.False(Holds("CreateOriginRecords", values));
        values["OriginHostedZoneId"] = "Z0123456789ABCDEFGHIJ";
        Assert.True(Holds("CreateOriginRecords", values));
        Assert.Equal(["A", "AAAA"], new[] { "OriginRecordIPv4", "OriginRecordIPv6" }.Select(r => resources.GetProperty(r).GetProperty("Properties").GetProperty("Type").GetString()));
    }

    [Fact]
    public void Without_an_origin_domain_cloudfront_uses_the_execute_api_endpoint_under_the_stage()
    {
        var values = Defaults();
        values["HttpApi"] = "a1b2c3d4e5";
        values["AWS::Region"] = "eu-west-1";
        values["AWS::URLSuffix"] = "amazonaws.com";
        var resources = Template.GetProperty("Resources");
        Assert.Equal("false", Resolve(resources.GetProperty("HttpApi").GetProperty("Properties").GetProperty("DisableExecuteApiEndpoint"), values));
        var origin = resources.GetProperty("Distribution").GetProperty("Properties").GetProperty("DistributionConfig").GetProperty("Origins")[0];
        Assert.Equal("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", Resolve(origin.GetProperty("DomainName"), values));
        Assert.Equal("/prod", Resolve(origin.GetProperty("OriginPath"), values));
        Assert.False(Holds("HasOriginDomain", values));
    }

    private const string Certificate = "arn:aws:acm:eu-west-1:111122223333:certificate/0123abcd-4567-89ef-0123-456789abcdef";

    /// <summary>Parameter defaults, with what the upload-credentials and transform-limit rules need to pass.</summary>
    private static Dictionary<string, string> Defaults()
    {
        var values = Template.GetProperty("Parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.TryGetProperty("Default", out var d) ? d.ToString() : "");
        values["AllowAnonymousUploads"] = "true";
        values["AllowedWidths"] = "320,640";
        return values;
    }

    private static bool RulesHold(Dictionary<string, string> values) =>
        Template.GetProperty("Rules").EnumerateObject().All(rule =>
            (rule.Value.TryGetProperty("RuleCondition", out var condition) && !Truth(condition, values))
            || rule.Value.GetProperty("Assertions").EnumerateArray().All(a => Truth(a.GetProperty("Assert"), values)));

    /// <summary>
    /// A property value as CloudFormation resolves it (Fn::If on the template's Conditions, Fn::Sub, Ref);
    /// null for AWS::NoValue, "true"/"false" for booleans.
    /// </summary>
    private static string? Resolve(JsonElement e, Dictionary<string, string> values)
    {
        if (e.ValueKind is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False)
        {
            return e.ValueKind == JsonValueKind.String ? e.GetString()! : e.ValueKind == JsonValueKind.True ? "true" : "false";
        }
        var (name, args) = e.EnumerateObject().Single() is var p ? (p.Name, p.Value) : default;
        return name switch
        {
            "Fn::If" => Resolve(Holds(args[0].GetString()!, values) ? args[1] : args[2], values),
            "Fn::Sub" => System.Text.RegularExpressions.Regex.Replace(args.GetString()!, @"\$\{([^}]+)\}", m => values[m.Groups[1].Value]),
            "Ref" when args.GetString() == "AWS::NoValue" => null,
            "Ref" => values[args.GetString()!],
            _ => throw new NotSupportedException(name),
        };
    }

    private static bool Holds(string condition, Dictionary<string, string> values) =>
        Truth(Template.GetProperty("Conditions").GetProperty(condition), values);

    // The rule and condition functions the template uses: Fn::Or, Fn::And, Fn::Not, Fn::Equals, Condition, Ref.
    private static bool Truth(JsonElement e, Dictionary<string, string> values)
    {
        var (name, args) = e.EnumerateObject().Single() is var p ? (p.Name, p.Value) : default;
        return name switch
        {
            "Fn::Or" => args.EnumerateArray().Any(a => Truth(a, values)),
            "Fn::And" => args.EnumerateArray().All(a => Truth(a, values)),
            "Fn::Not" => !Truth(args[0], values),
            "Fn::Equals" => Value(args[0], values) == Value(args[1], values),
            "Condition" => Holds(args.GetString()!, values),
            _ => throw new NotSupportedException(name),
        };
    }

    // Strings as CloudFormation works them out: Ref, and the Fn::Select of an Fn::Split of an Fn::Sub the watermark uses.
    private static string Value(JsonElement e, Dictionary<string, string> values)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString()!;
        }

        var (name, args) = e.EnumerateObject().Single() is var p ? (p.Name, p.Value) : default;
        return name switch
        {
            "Ref" => values[args.GetString()!],
            "Fn::Sub" => System.Text.RegularExpressions.Regex.Replace(args.GetString()!, @"\$\{([^}]+)\}", m => values[m.Groups[1].Value]),
            "Fn::Select" => Value(args[1].GetProperty("Fn::Split")[1], values).Split(args[1].GetProperty("Fn::Split")[0].GetString())[args[0].GetInt32()],
            _ => throw new NotSupportedException(name),
        };
    }
}
