using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.SignIn;

/// <summary>
/// The browser token of this run: <c>Auth:BrowserToken</c> when set, else a random one made at start (and so a new
/// one, and a new sign-in link, at each start).
/// </summary>
public sealed class BrowserTokenSource(IOptions<AuthOptions> options)
{
    /// <summary>The token a sign-in link must carry.</summary>
    public string Token { get; } = string.IsNullOrWhiteSpace(options.Value.BrowserToken) ? Secrets.NewToken() : options.Value.BrowserToken.Trim();

    /// <summary>Whether the token was made at start (so logging it reveals no configured secret).</summary>
    public bool Generated { get; } = string.IsNullOrWhiteSpace(options.Value.BrowserToken);
}
