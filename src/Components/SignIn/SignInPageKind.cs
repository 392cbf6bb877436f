namespace ChoriaDashboard.Components.SignIn;

/// <summary>What <see cref="SignInPage"/> shows.</summary>
public enum SignInPageKind
{
    /// <summary>The browser-token form (with an error after a wrong token).</summary>
    Form,

    /// <summary>Signed in, but not allowed the page asked for.</summary>
    AccessDenied,

    /// <summary>After signing out.</summary>
    SignedOut,

    /// <summary>A wallboard link whose token is not (or no longer) configured.</summary>
    InvalidWallLink,

    /// <summary>Signed in at the provider: a page that navigates on to <see cref="SignInPage.ReturnUrl"/> by itself.</summary>
    Continue,

    /// <summary>The provider's sign-in failed or was refused.</summary>
    ProviderFailed,

    /// <summary>
    /// The server failed (the exception handler's page, <c>/error</c>): shown to anyone, signed in or not, so it says
    /// nothing of the fleet and opens no circuit.
    /// </summary>
    ServerError,
}
