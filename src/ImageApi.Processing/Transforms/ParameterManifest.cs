using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// The parameter table as the CloudFront Function needs it, written to
/// <c>deploy/cloudfront/parameters.json</c>: names in canonical order, aliases (of names, and of values),
/// which values are numbers and which keep their case, and the range of <c>dpr</c>, which the function
/// folds into <c>w</c> and <c>h</c>. <c>deploy/sync-template.py</c> turns the file into the function's
/// generated block and the cache policy's query strings; tests keep the file, the function and the
/// template equal to this.
/// </summary>
internal static class ParameterManifest
{
    public const string RelativePath = "deploy/cloudfront/parameters.json";

    public static string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // A file for people and a Python script, never embedded in HTML: no \u escapes needed.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartObject();
            writer.WriteString("$comment", "Generated from src/ImageApi.Processing/Transforms/TransformParameters.cs by ParameterManifestTests (IMAGEAPI_UPDATE_GENERATED=1); deploy/sync-template.py copies it into the CloudFront Function and serverless.template. Do not edit by hand.");
            writer.WriteStartArray("parameters");
            foreach (var parameter in TransformParameters.All)
            {
                writer.WriteStartObject();
                writer.WriteString("name", parameter.Name);
                writer.WriteStartArray("aliases");
                foreach (var alias in parameter.Aliases)
                {
                    writer.WriteStringValue(alias);
                }

                writer.WriteEndArray();
                writer.WriteStartObject("aliasValues");
                foreach (var (alias, values) in parameter.AliasValues)
                {
                    WriteMap(writer, alias, values);
                }

                writer.WriteEndObject();
                WriteMap(writer, "valueAliases", parameter.ValueAliases);
                writer.WriteBoolean("numeric", parameter.IsNumeric);
                writer.WriteBoolean("preservesCase", parameter.PreservesCase);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("dpr");
            writer.WriteString("name", TransformParameters.Dpr.Name);
            writer.WriteNumber("minimum", TransformParameters.DprValue.Minimum);
            writer.WriteNumber("maximum", TransformParameters.DprValue.Maximum);
            writer.WriteNumber("decimals", TransformParameters.DprValue.Decimals);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IEnumerable<KeyValuePair<string, string>> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
