// Draws every Plotly figure of the page (and of fragments htmx swaps in). A figure's data sits in the
// element's data-figure attribute (JSON); a click on a bar, point or link opens the customer list URL
// carried in its customdata.
(() => {
  const config = { displayModeBar: false, responsive: true, scrollZoom: false };

  function urlOf(point) {
    if (!point) return null;
    const url = point.customdata !== undefined ? point.customdata : null;
    return typeof url === "string" && url.startsWith("/") ? url : null;
  }

  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".chart[data-figure]").forEach((element) => {
      if (element.dataset.drawn) return;
      const figure = JSON.parse(element.dataset.figure);
      element.dataset.drawn = "1";
      window.Plotly.newPlot(element, figure.data, figure.layout, config).then(() => {
        element.on("plotly_click", (event) => {
          const url = urlOf(event.points && event.points[0]);
          if (url) window.location.assign(url);
        });
      });
    });
  }

  draw(document);
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target instanceof Element) draw(event.target);
  });
})();
