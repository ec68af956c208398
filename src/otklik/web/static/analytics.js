// The dashboard's charts: Chart.js over the figures the server embedded as JSON (#analytics-data).
// Every bar opens the list of appeals behind it (its `drilldown` URL); the tables under the charts hold the same
// links for keyboards and screen readers.
(function () {
  "use strict";
  const source = document.getElementById("analytics-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const ACCENT = "#1f5fbf";
  const BAD = "#b3261e";

  function open(url) {
    if (url) window.location.assign(url);
  }

  function barChart(id, bars, options) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const horizontal = Boolean(options && options.horizontal);
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.map((b) => b.label),
        datasets: [{ label: "обращений", data: bars.map((b) => b.count.value), backgroundColor: ACCENT }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
        onClick: (_event, elements) => {
          if (elements.length) open(bars[elements[0].index].count.drilldown);
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
  }

  function backlogChart(id, rows) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const figures = [(r) => r.open, (r) => r.overdue];
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          { label: "в работе", data: rows.map((r) => r.open.value), backgroundColor: ACCENT },
          { label: "просрочено", data: rows.map((r) => r.overdue.value), backgroundColor: BAD },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        onClick: (_event, elements) => {
          if (elements.length) open(figures[elements[0].datasetIndex](rows[elements[0].index]).drilldown);
        },
      },
    });
  }

  const v = data.volumes;
  barChart("chart-by_period", v.by_period);
  barChart("chart-by_group", v.by_group, { horizontal: true });
  barChart("chart-by_municipality", v.by_municipality, { horizontal: true });
  barChart("chart-by_channel", v.by_channel);
  backlogChart("chart-backlog", data.backlog.slice(0, 15));
  document.documentElement.dataset.analyticsReady = "true";
})();
