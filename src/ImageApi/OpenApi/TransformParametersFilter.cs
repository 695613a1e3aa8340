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
/// a binding failure), which leaves ApiExplorer nothing to describe; this fills it in from the
/// parameter table (<see cref="TransformParameters"/>), with the limits and defaults from configuration,
/// so the document lists exactly what the parser accepts.
/// </summary>
internal sealed class TransformParametersFilter(IOptions<RenditionDefaults> options, TransformPresets presets) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<TransformParametersMetadata>().Any())
        {
            return;
        }

        var defaults = options.Value;
        operation.Parameters ??= [];
        foreach (var parameter in TransformParameters.All)
        {
            var documented = new OpenApiParameter
            {
                Name = parameter.Name,
                In = ParameterLocation.Query,
                Description = parameter.Description(defaults),
                Schema = Schema(parameter.Schema(defaults)),
            };
            if (parameter == TransformParameters.Preset)
            {
                DescribePresets(documented);
            }

            operation.Parameters.Add(documented);
        }
    }

    // The names are configuration, not table: listed here, each with the transform it stands for.
    private void DescribePresets(OpenApiParameter parameter)
    {
        if (presets.All.Count == 0)
        {
            parameter.Description += " No presets are configured.";
            return;
        }

        parameter.Description += " Configured: " + string.Join("; ", presets.All.Select(p =>
            $"{p.Name} ({p.Query}{(p.Request.Watermark == Processing.Watermarks.WatermarkChoice.None ? ", unmarked" : "")})")) + ".";
        ((OpenApiSchema)parameter.Schema!).Enum = [.. presets.All.Select(p => (JsonNode)JsonValue.Create(p.Name))];
    }

    private static OpenApiSchema Schema(ParameterSchema facts)
    {
        var schema = new OpenApiSchema
        {
            Type = facts.Type switch
            {
                ParameterType.WholeNumber => JsonSchemaType.Integer,
                ParameterType.Number => JsonSchemaType.Number,
                _ => JsonSchemaType.String,
            },
            Format = facts.Format,
            Minimum = facts.Minimum?.ToString(CultureInfo.InvariantCulture),
            Maximum = facts.Maximum?.ToString(CultureInfo.InvariantCulture),
            Default = facts.Default is { } fallback ? Value(fallback, facts.Type) : null,
        };
        if (facts.Values is { } values)
        {
            schema.Enum = [.. values.Select(v => Value(v, facts.Type))];
        }

        return schema;
    }

    // The table spells every value canonically as text; OpenAPI wants numbers as JSON numbers.
    private static JsonValue Value(string canonical, ParameterType type) => type switch
    {
        ParameterType.WholeNumber => JsonValue.Create(long.Parse(canonical, NumberStyles.None, CultureInfo.InvariantCulture)),
        ParameterType.Number => JsonValue.Create(decimal.Parse(canonical, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(canonical),
    };
}
