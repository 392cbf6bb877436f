using ChoriaDashboard.Hosting.WarmUp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary><c>Hosting:WarmUp</c>: the bound and the pages it may render, checked at start with the key named.</summary>
public sealed class WarmUpOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public async Task AddChoriaDashboard_ShippedAppSettings_WarmUpOnWithItsDefaults()
    {
        var appSettings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        await using var app = OptionsTestKit.Build(new Dictionary<string, string?>(), builder => builder.AddJsonFile(appSettings, optional: false));

        var options = app.Services.GetRequiredService<IOptions<WarmUpOptions>>().Value;

        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Empty(options.Paths);
    }

    [Fact]
    public async Task AddChoriaDashboard_BadTimeout_ThrowsNamingTheKeyWhenRead()
    {
        await using var app = OptionsTestKit.Build(new Dictionary<string, string?> { ["Hosting:WarmUp:Timeout"] = "00:00:00" });

        var e = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<WarmUpOptions>>().Value);
        Assert.Contains("Hosting:WarmUp:Timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultPaths_AreAllPages()
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Paths = WarmUpOptions.DefaultPaths });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.500")]
    [InlineData("00:10:01")]
    public void Validate_TimeoutOutOfBounds_FailsNamingTheKey(string timeout)
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.False(result.Succeeded, $"a timeout of {timeout} was accepted");
        Assert.Contains("Hosting:WarmUp:Timeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nodes")]
    [InlineData("https://evil.example/nodes")]
    [InlineData("//evil.example/nodes")]
    [InlineData("/\\evil.example")]
    [InlineData("/api/nodes")]
    [InlineData("/API/fleet")]
    [InlineData("/export/nodes.csv")]
    [InlineData("/hubs/fleet")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/_blazor/negotiate")]
    [InlineData("")]
    public void Validate_PathNotAPage_FailsNamingIt(string path)
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Paths = [path] });

        Assert.False(result.Succeeded, $"'{path}' was accepted as a page to warm");
        Assert.Contains($"'{path}'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/nodes?state=dead&component=server")]
    [InlineData("/wall?views=problems")]
    [InlineData("/nodes/web-1.example.net")]
    public void Validate_Page_Succeeds(string path)
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Paths = [path] });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_MorePathsThanTheMaximum_Fails()
    {
        var paths = Enumerable.Range(0, WarmUpOptionsValidator.MaxPaths + 1).Select(i => $"/nodes?q=web-{i}").ToArray();

        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Paths = paths });

        Assert.False(result.Succeeded, $"{paths.Length} paths were accepted");
        Assert.Contains("Hosting:WarmUp:Paths", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkedAssets_PageHead_LocalStylesheetsAndScriptsOnceEach()
    {
        const string html = """
            <base href="/" /><link rel="stylesheet" href="_content/MudBlazor/MudBlazor.min.abc123.css" />
            <link rel="stylesheet" href="/css/app.css?v=1" /><link rel="icon" href="favicon.png" />
            <link rel="stylesheet" href="https://cdn.example/x.css" /><script src="//cdn.example/y.js"></script>
            <script src="_framework/blazor.web.js"></script><script src="_framework/blazor.web.js"></script>
            <a href="/nodes">Nodes</a>
            """;

        Assert.Equal(["/_content/MudBlazor/MudBlazor.min.abc123.css", "/css/app.css?v=1", "/_framework/blazor.web.js"], PageWarmUp.LinkedAssets(html));
    }
}
