using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting;

/// <summary>The one way an options section is registered: bound, checked by its DataAnnotations and its validator, at start.</summary>
public static class OptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the configuration section <paramref name="section"/>, checks its
    /// DataAnnotations (single values) and <typeparamref name="TValidator"/> (rules across settings), and validates it
    /// when the host starts, so a bad value stops the app with a message naming the key.
    /// </summary>
    /// <returns>The options builder, for what only one section needs (a <c>PostConfigure</c>).</returns>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration config, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>().Bind(config.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        // TryAddEnumerable: registering a section twice must not run (and report) its rules twice.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return options;
    }
}
