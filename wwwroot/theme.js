// The theme choice (light, dark, system) is remembered per browser in localStorage and applied here, in the browser
// alone: this file is loaded by a blocking script in the page head (App.razor), so the page's scheme
// (<html data-theme>, which picks the palette in /theme.css) is right before the first paint; with "system" it follows
// the system's preference as it changes; a click on the app bar's switch applies the pick at once. No circuit is
// needed for any of it; the layout only reads the choice to show which button is pressed. A file, not an inline
// script, so the Content-Security-Policy needs no inline script.
window.choriaTheme = {
    key: "choria-theme",
    system: window.matchMedia("(prefers-color-scheme: dark)"),
    get: function () {
        try { return localStorage.getItem(this.key) || "system"; } catch (e) { return "system"; }
    },
    set: function (mode) {
        try { localStorage.setItem(this.key, mode); } catch (e) { }
        this.apply();
    },
    apply: function () {
        var mode = this.get();
        var dark = mode === "dark" || (mode !== "light" && this.system.matches);
        document.documentElement.dataset.theme = dark ? "dark" : "light";
    }
};

(function () {
    var theme = window.choriaTheme;
    theme.apply();
    // The system switches (a schedule, the user's settings): a page on "system" follows; a picked scheme stays.
    theme.system.addEventListener("change", function () { theme.apply(); });
    // Another tab picked a theme: this one shows it too.
    window.addEventListener("storage", function (e) { if (e.key === theme.key) { theme.apply(); } });
    // The switch's buttons (ThemeSwitch, data-theme-choice) apply in the browser at once; the circuit only marks the
    // pressed one.
    document.addEventListener("click", function (e) {
        var choice = e.target instanceof Element ? e.target.closest("[data-theme-choice]") : null;
        if (choice) { theme.set(choice.getAttribute("data-theme-choice")); }
    });
})();
