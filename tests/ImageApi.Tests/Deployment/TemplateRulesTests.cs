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

    /// <summary>Parameter defaults, with what the upload-credentials rule needs to pass.</summary>
    private static Dictionary<string, string> Defaults()
    {
        var values = Template.GetProperty("Parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.TryGetProperty("Default", out var d) ? d.ToString() : "");
        values["AllowAnonymousUploads"] = "true";
        return values;
    }

    private static bool RulesHold(Dictionary<string, string> values) =>
        Template.GetProperty("Rules").EnumerateObject().All(rule =>
            (rule.Value.TryGetProperty("RuleCondition", out var condition) && !Truth(condition, values))
            || rule.Value.GetProperty("Assertions").EnumerateArray().All(a => Truth(a.GetProperty("Assert"), values)));

    // The rule functions the template uses: Fn::Or, Fn::And, Fn::Not, Fn::Equals, Ref.
    private static bool Truth(JsonElement e, Dictionary<string, string> values)
    {
        var (name, args) = e.EnumerateObject().Single() is var p ? (p.Name, p.Value) : default;
        return name switch
        {
            "Fn::Or" => args.EnumerateArray().Any(a => Truth(a, values)),
            "Fn::And" => args.EnumerateArray().All(a => Truth(a, values)),
            "Fn::Not" => !Truth(args[0], values),
            "Fn::Equals" => Value(args[0], values) == Value(args[1], values),
            _ => throw new NotSupportedException(name),
        };
    }

    private static string Value(JsonElement e, Dictionary<string, string> values) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : values[e.GetProperty("Ref").GetString()!];
}
