// The theme choice (light, dark, system) is remembered per browser in localStorage. The page head applies it before the
// first paint (see App.razor); the layout reads and writes it through these functions.
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
