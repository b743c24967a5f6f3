// Draw every chart whose plotly.js spec the page carries (and again after htmx swaps one in and settles).
// Each chart takes the width of its box (a width in the spec is dropped), its axes make room for their
// labels (a legend below the plot moves above it), and a chart with no point at all is not drawn empty: a
// note in words stands in its place.
(function () {
  function hasPoints(data) {
    return (data || []).some(function (trace) {
      return ["x", "y", "values", "z"].some(function (key) {
        return Array.isArray(trace[key]) && trace[key].length > 0;
      });
    });
  }

  // A category axis of many months labels every few of them, so the labels stay level and readable.
  function spaced(axis, data) {
    var count = Math.max.apply(null, (data || []).map(function (t) { return (t.x || []).length; }).concat([0]));
    if (!axis || axis.type !== "category" || axis.dtick !== undefined || count <= 24) { return axis; }
    return Object.assign({}, axis, { tickmode: "linear", tick0: 0, dtick: Math.ceil(count / 12) });
  }

  function fitted(layout, data) {
    var out = Object.assign({ height: 460 }, layout, { autosize: true });
    out.xaxis = spaced(out.xaxis, data);
    delete out.width;
    Object.keys(out).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key) && out[key] && out[key].automargin === undefined) {
        out[key] = Object.assign({}, out[key], { automargin: true });
      }
    });
    if (out.xaxis === undefined) { out.xaxis = { automargin: true }; }
    if (out.yaxis === undefined) { out.yaxis = { automargin: true }; }
    // A legend across the foot of the plot sits on the x axis's labels once they take their room: it goes
    // above the plot instead, where it pushes the margin and covers nothing.
    if (out.legend && out.legend.orientation === "h" && typeof out.legend.y === "number" && out.legend.y < 0) {
      out.legend = Object.assign({}, out.legend, { x: 0, xanchor: "left", y: 1, yanchor: "bottom" });
    }
    return out;
  }

  function empty(target, spec) {
    var title = spec.layout && spec.layout.title;
    var words = (title && (title.text || title)) || "This chart";
    target.textContent = "Nothing to chart yet: " + words + " has no points.";
    target.classList.add("chart-empty");
    target.removeAttribute("role");
    target.removeAttribute("aria-label");
    target.setAttribute("data-drawn", "empty");
  }

  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("script.chart-spec").forEach(function (node) {
      var spec = JSON.parse(node.textContent);
      var target = document.getElementById(spec.id);
      if (!target) { return; }
      if (!hasPoints(spec.data)) { empty(target, spec); return; }
      window.Plotly.newPlot(target, spec.data, fitted(spec.layout, spec.data), { responsive: true, displayModeBar: false });
      target.setAttribute("data-drawn", "true");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // After htmx settles: settling resets the attributes of swapped elements, plotly's classes too.
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
