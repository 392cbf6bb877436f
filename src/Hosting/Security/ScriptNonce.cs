using System.Security.Cryptography;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// Endpoint metadata: the page runs an inline script, allowed by a nonce made for each response
/// (<see cref="SecurityHeaders.PagePolicyWithNonce"/>) and handed to the endpoint through <see cref="Of"/>. Every other page
/// keeps <c>script-src 'self'</c>.
/// </summary>
public sealed class ScriptNonce
{
    private static readonly object ItemKey = new();

    /// <summary>Makes this request's nonce (128 random bits, base64) and keeps it for <see cref="Of"/>.</summary>
    public static string Create(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[ItemKey] = nonce;
        return nonce;
    }

    /// <summary>This request's nonce; null when its endpoint does not carry <see cref="ScriptNonce"/>.</summary>
    public static string? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var nonce) ? nonce as string : null;
}
