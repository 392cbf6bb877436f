// The overview's trend charts, drawn in the browser with uPlot (wwwroot/lib/uplot) from the numbers the server sends once
// per sample (Components/Controls/TrendChart.razor). The server keeps no per-point state: a circuit only hands over
// the spec below, and the canvas, the hover legend and the resizing live here.
//
// spec: { times: [unix seconds, oldest first], lines: [{ name, color, values: [number per time] }], yMax: number|null,
//         unit: "" | "%" }
window.choriaTrend = (() => {
    const charts = new Map(); // element -> { plot, spec, resize }
    const height = 220;
    const number = new Intl.NumberFormat();

    function palette() {
        const dark = document.documentElement.dataset.theme === "dark";
        return {
            axis: dark ? "rgba(255,255,255,0.78)" : "rgba(0,0,0,0.72)",
            grid: dark ? "rgba(255,255,255,0.12)" : "rgba(0,0,0,0.08)",
        };
    }

    function widthOf(element) {
        return Math.max(160, Math.floor(element.clientWidth));
    }

    function build(element, spec) {
        const colours = palette();
        const axis = { stroke: colours.axis, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
        const format = v => v == null ? "–" : number.format(v) + spec.unit;
        const options = {
            width: widthOf(element),
            height: height,
            scales: {
                x: { time: true },
                y: { range: (u, min, max) => [0, spec.yMax != null ? Math.max(spec.yMax, max) : (max > 0 ? Math.ceil(max * 1.05) : 1)] },
            },
            axes: [axis, Object.assign({}, axis, { size: 64, values: (u, values) => values.map(v => number.format(v) + spec.unit) })],
            series: [{ label: "time" }].concat(spec.lines.map(line => ({ label: line.name, stroke: line.color, width: 2, value: (u, v) => format(v), points: { show: false } }))),
            cursor: { drag: { x: false, y: false }, points: { size: 6 } },
            legend: { live: true },
        };
        return new uPlot(options, [spec.times].concat(spec.lines.map(line => line.values)), element);
    }

    function dispose(element) {
        const chart = charts.get(element);
        if (chart) {
            chart.resize.disconnect();
            chart.plot.destroy();
            charts.delete(element);
        }
    }

    function draw(element, spec) {
        if (!element || typeof uPlot === "undefined") {
            return false;
        }

        dispose(element);
        const plot = build(element, spec);
        let width = widthOf(element);
        const resize = new ResizeObserver(() => {
            const now = widthOf(element);
            if (now !== width) {
                width = now;
                plot.setSize({ width: now, height: height });
            }
        });
        resize.observe(element);
        charts.set(element, { plot: plot, spec: spec, resize: resize });
        return true;
    }

    // A theme switch redraws every chart in the new colours; charts whose element left the page are dropped.
    new MutationObserver(() => {
        for (const [element, chart] of Array.from(charts)) {
            if (element.isConnected) {
                draw(element, chart.spec);
            } else {
                dispose(element);
            }
        }
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

    return { draw: draw, dispose: dispose };
})();
