using Microsoft.Extensions.Options;

namespace ImageApi.Configuration.Validation;

/// <summary>
/// The failures of one section's settings. Each message names the setting as it is written in
/// appsettings.json (and, with <c>__</c> for <c>:</c>, as an environment variable).
/// </summary>
internal sealed class SettingFailures(string section)
{
    private readonly List<string> _messages = [];

    public ValidateOptionsResult Result => _messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_messages);

    public bool Passed => _messages.Count == 0;

    /// <summary>A message that names its setting itself.</summary>
    public void Fail(string message) => _messages.Add(message);

    public void Require(bool condition, string setting, string message)
    {
        if (!condition)
        {
            _messages.Add($"{section}:{setting} {message}.");
        }
    }
}
