using System.Globalization;
using System.Text.Json.Nodes;
using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ImageApi.OpenApi;

/// <summary>Marks an endpoint that takes the transform parameters from its query string.</summary>
public sealed class TransformParametersMetadata;

/// <summary>
/// Documents the transform parameters on endpoints marked with <see cref="TransformParametersMetadata"/>.
/// The handler reads the raw query itself (so a malformed number is our 400 naming the parameter, not
/// a binding failure), which leaves ApiExplorer nothing to describe; this fills it in, with the limits
/// and defaults from configuration.
/// </summary>
internal sealed class TransformParametersFilter(IOptions<RenditionDefaults> options) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<TransformParametersMetadata>().Any())
        {
            return;
        }

        var d = options.Value;
        operation.Parameters ??= [];
        operation.Parameters.Add(Integer(TransformParser.Width, 1, d.MaxWidth,
            $"Width of the target box in pixels. With neither w nor h: the default {d.Width}×{d.Height} box."));
        operation.Parameters.Add(Integer(TransformParser.Height, 1, d.MaxHeight,
            "Height of the target box in pixels. Either w or h may be omitted: the other follows the aspect ratio."));
        operation.Parameters.Add(Enumeration(TransformParser.Fit, TransformParser.FitValues, d.Fit.ToString().ToLowerInvariant(),
            "How the image fills the box when both w and h are given: inside (keep aspect, fit in the box, never enlarge), " +
            "cover (fill the box, crop the centre), contain (fit and pad: transparent, or white for JPEG), fill (stretch)."));
        operation.Parameters.Add(Enumeration(TransformParser.Format, TransformParser.FormatValues, d.Format.ToString().ToLowerInvariant(),
            "Output format. auto: WebP when the Accept header allows it, otherwise PNG for images with transparency " +
            "and JPEG for the rest; the response then carries Vary: Accept."));
        var quality = Integer(TransformParser.Quality, 1, 100, "Quality for WebP and JPEG (ignored for PNG and GIF).");
        ((OpenApiSchema)quality.Schema!).Default = JsonValue.Create(d.Quality);
        operation.Parameters.Add(quality);
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = TransformParser.Signature,
            In = ParameterLocation.Query,
            Description = "HMAC-SHA256 signature of the canonical request, when signed URLs are required. Never part of the rendition's name.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static OpenApiParameter Integer(string name, int min, int max, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int32",
            Minimum = min.ToString(CultureInfo.InvariantCulture),
            Maximum = max.ToString(CultureInfo.InvariantCulture),
        },
    };

    private static OpenApiParameter Enumeration(string name, IReadOnlyList<string> values, string fallback, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
            Default = JsonValue.Create(fallback),
        },
    };
}
