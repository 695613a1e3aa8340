using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageApi.Configuration;

/// <summary>
/// The JSON contracts of the endpoints, generated at compile time. Otherwise their metadata is made by
/// reflection when the endpoints are built, on every cold start (some 20 ms of CPU before the first answer).
/// </summary>
/// <remarks>
/// Only metadata: the endpoints still read and write with the HTTP JSON options (web defaults), so
/// names, number handling and error messages are the same as the reflection resolver's.
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Uploads.UploadRequest))]
[JsonSerializable(typeof(Uploads.UploadTicket))]
[JsonSerializable(typeof(Images.FocalPointBody))]
[JsonSerializable(typeof(Images.FocalPointChange))]
[JsonSerializable(typeof(Events.EventResult))]
internal sealed partial class ApiJson : JsonSerializerContext;
