// The theme choice (light, dark, system) is remembered per browser in localStorage. This file is loaded by a blocking
// script in the page head (App.razor), so the remembered scheme is applied before the first paint; the layout then
// reads and writes the choice through these functions. One file for both, so the head and the layout cannot disagree
// on the key or the cookie, and the Content-Security-Policy needs no inline script.
window.choriaTheme = {
    key: "choria-theme",
    get: function () {
        try { return localStorage.getItem(this.key) || "system"; } catch (e) { return "system"; }
    },
    set: function (mode, dark) {
        try { localStorage.setItem(this.key, mode); } catch (e) { }
        window.choriaTheme.apply(dark);
    },
    apply: function (dark) {
        var scheme = dark ? "dark" : "light";
        document.documentElement.dataset.theme = scheme;
        document.cookie = "choria-scheme=" + scheme + ";path=/;max-age=31536000;samesite=lax";
    }
};

// Before anything paints: the remembered theme (or the system's preference) as the page's scheme, so the first frame
// has the right background and the server's next first render (the cookie) matches; the layout applies the palette.
(function () {
    var mode = window.choriaTheme.get();
    window.choriaTheme.apply(mode === "dark" || (mode !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches));
})();
