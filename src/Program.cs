using ChoriaDashboard.Hosting;
using Microsoft.Extensions.Options;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddChoriaDashboard();

var app = builder.Build();
try
{
    // Check the configuration before anything uses it (building the pipeline resolves services that read options):
    // a mistake is then one message, not a stack trace in the log.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.UseChoriaDashboard();
    app.MapChoriaDashboard();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // Say what is wrong with the configuration in one place, without a stack trace.
    await Console.Error.WriteLineAsync($"Invalid configuration:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", e.Failures)}");
    return 2;
}
catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {e.Message}");
    return 2;
}
