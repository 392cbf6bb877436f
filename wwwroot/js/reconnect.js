// Keeps every page of the dashboard connected with nobody at the keyboard (an ops-room wallboard, a forgotten tab):
// - while the server is unreachable, Blazor keeps retrying, every second at first and then every five seconds, forever
//   (Blazor's own default gives up after about six minutes and waits for someone to click);
// - when the server answers but cannot resume this page's circuit (it was restarted or redeployed), or keeps refusing
//   the connection while /healthz answers (the sign-in no longer holds), the page reloads, but only once the server's
//   /healthz answers, so a reload never lands on the browser's own error page;
// - a page that opts in (data-auto-reload-seconds on #blazor-error-ui, as the wallboard does) reloads after an error.
(() => {
    const dialog = document.getElementById("components-reconnect-modal");
    const status = document.getElementById("components-reconnect-status");
    let reloading = false;

    const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

    async function serverAnswers() {
        try {
            const response = await fetch(new URL("healthz", document.baseURI), { cache: "no-store" });
            return response.ok;
        } catch {
            return false;
        }
    }

    async function reloadWhenServerAnswers(why) {
        if (reloading) {
            return;
        }

        reloading = true;
        if (status) {
            status.textContent = why;
        }

        while (!(await serverAnswers())) {
            await sleep(2000);
        }

        location.reload();
    }

    function show(text) {
        if (status) {
            status.textContent = text;
        }

        if (dialog && !dialog.open) {
            dialog.showModal();
        }
    }

    dialog?.addEventListener("components-reconnect-state-changed", event => {
        switch (event.detail.state) {
            case "show":
                show("Connection to the dashboard lost. Reconnecting…");
                break;
            case "retrying":
                show(`Connection to the dashboard lost. Reconnecting (attempt ${event.detail.currentAttempt})…`);
                // The server answers but will not take the connection back (its sign-in no longer holds, e.g. the
                // restarted server cannot read the old cookie): reload, so the page's own address signs in again or
                // shows why not, instead of retrying for ever.
                if (event.detail.currentAttempt >= 3) {
                    serverAnswers().then(up => up && reloadWhenServerAnswers("Signing in again…"));
                }
                break;
            case "hide":
                dialog.close();
                break;
            case "paused":
                // The server paused this circuit: resume it, or start afresh if it cannot be resumed.
                Blazor.resumeCircuit().then(resumed => resumed || reloadWhenServerAnswers("Starting afresh…"));
                break;
            case "rejected":
            case "failed":
            case "resume-failed":
                reloadWhenServerAnswers("The dashboard restarted. Reloading…");
                break;
        }
    });

    const errorUi = document.getElementById("blazor-error-ui");
    const reloadAfter = Number(errorUi?.dataset.autoReloadSeconds);
    if (errorUi && reloadAfter > 0) {
        new MutationObserver(() => {
            if (errorUi.style.display === "block") {
                sleep(reloadAfter * 1000).then(() => reloadWhenServerAnswers("Reloading…"));
            }
        }).observe(errorUi, { attributes: true, attributeFilter: ["style"] });
    }

    Blazor.start({
        circuit: {
            reconnectionOptions: {
                maxRetries: Number.MAX_SAFE_INTEGER,
                retryIntervalMilliseconds: attempt => (attempt < 10 ? 1000 : 5000),
            },
        },
    });
})();
