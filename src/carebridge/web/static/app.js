// Draw every chart whose plotly.js spec the page carries (and again after htmx swaps one in and settles).
(function () {
  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("script.chart-spec").forEach(function (node) {
      var spec = JSON.parse(node.textContent);
      var target = document.getElementById(spec.id);
      if (target) {
        var layout = Object.assign({ height: 460 }, spec.layout);
        window.Plotly.newPlot(target, spec.data, layout, { responsive: true, displayModeBar: false });
        target.setAttribute("data-drawn", "true");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // After htmx settles: settling resets the attributes of swapped elements, plotly's classes too.
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
