namespace ImageApi.Processing.Jpeg;

/// <summary>The JPEG is damaged in a way <see cref="ScaledJpegDecoder"/> will not guess around.</summary>
internal sealed class JpegFormatException(string message) : Exception(message);
