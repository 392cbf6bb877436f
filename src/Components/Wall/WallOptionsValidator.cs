using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// The wallboard's rules across settings: none yet, as each limit stands alone and is bounded by its DataAnnotations.
/// It exists so every section registers the same way and a later rule has its place.
/// </summary>
public sealed class WallOptionsValidator : IValidateOptions<WallOptions>
{
    public ValidateOptionsResult Validate(string? name, WallOptions options) => ValidateOptionsResult.Success;
}
