/* The offline map: our own GeoJSON boundaries drawn by Leaflet with no tile layer (nothing leaves the server),
   coloured by appeals per 1,000 residents or overdue share, with clustered points of geolocated appeals. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var STATUS_RU = JSON.parse(document.getElementById("status-ru").textContent);
  var PALETTE = ["#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026"]; // ColorBrewer YlOrRd, 5 classes
  var NO_DATA = "#d9d9d9";
  var LABELS = { per_1000: "Обращений на 1000 жителей", overdue_share: "Доля просроченных" };
  var form = document.getElementById("map-filters");
  var info = document.getElementById("map-info");
  var legend = document.getElementById("map-legend");
  // No tile layer sets the zoom range, so the map does (the cluster layer needs a maxZoom).
  var map = L.map(box, { zoomSnap: 0.25, minZoom: 5, maxZoom: 15, attributionControl: true });
  map.attributionControl.setPrefix(false);
  var areas = null, figures = {}, breaks = [], points = L.markerClusterGroup({ maxClusterRadius: 50 });
  map.addLayer(points);

  function measure() { return form.querySelector("input[name=measure]:checked").value; }
  function fmt(value, kind) {
    if (value === null || value === undefined) { return "—"; }
    if (kind === "overdue_share") { return Math.round(value * 100) + " %"; }
    return value.toFixed(value < 1 ? 2 : 1).replace(".", ",");
  }
  // Class 0 is «no appeals»; the positive values are split into the other classes at their quantiles, so a
  // region where most districts are quiet still shows where the load is.
  function computeBreaks() {
    var kind = measure(), values = [];
    Object.keys(figures).forEach(function (id) { var v = figures[id][kind]; if (v !== null && v > 0) { values.push(v); } });
    values.sort(function (a, b) { return a - b; });
    breaks = [];
    var classes = PALETTE.length - 1;
    for (var i = 1; i < classes && values.length; i++) {
      var cut = values[Math.floor((values.length - 1) * i / classes)];
      if (!breaks.length || cut > breaks[breaks.length - 1]) { breaks.push(cut); }
    }
  }
  function colour(figure, kind) {
    if (!figure || figure.appeals === null) { return NO_DATA; }  // outside the reader's scope
    var value = figure[kind];
    if (value === null || value <= 0) { return PALETTE[0]; }  // no appeals, or none overdue
    var index = 0;
    while (index < breaks.length && value > breaks[index]) { index++; }
    return PALETTE[index + 1];
  }
  function style(feature) {
    // className only takes at creation: it names each municipality's path for people's tools and the tests
    return { color: "#555", weight: 1, fillOpacity: 0.75, fillColor: colour(figures[feature.id], measure()), className: "muni-" + feature.id };
  }
  function legendItem(shade, text) {
    var item = document.createElement("li");
    item.innerHTML = '<span class="swatch" style="background:' + shade + '"></span>';
    item.appendChild(document.createTextNode(text));
    legend.appendChild(item);
  }
  function drawLegend() {
    var kind = measure();
    document.getElementById("legend-title").textContent = LABELS[kind];
    legend.innerHTML = "";
    legendItem(PALETTE[0], kind === "overdue_share" ? "нет просроченных" : "нет обращений");
    var edges = [0].concat(breaks);  // class i + 1 holds the values above edges[i] up to edges[i + 1]
    edges.forEach(function (lo, i) {
      var hi = i + 1 < edges.length ? edges[i + 1] : null;
      var text = hi === null ? "больше " + (lo > 0 ? fmt(lo, kind) : "0") : (lo > 0 ? fmt(lo, kind) + " – " : "до ") + fmt(hi, kind);
      legendItem(PALETTE[i + 1], text);
    });
    legendItem(NO_DATA, "нет данных в вашей зоне");
  }
  function row(label, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label; dd.textContent = value;
    return [dt, dd];
  }
  function show(id) {
    var f = figures[id];
    if (!f) { return; }
    info.innerHTML = "";
    var title = document.createElement("h2");
    title.textContent = f.name;
    info.appendChild(title);
    var list = document.createElement("dl");
    list.setAttribute("data-testid", "map-info-figures");
    [["Жителей", f.population.toLocaleString("ru-RU")], ["Обращений", f.appeals === null ? "нет доступа" : String(f.appeals)],
     ["На 1000 жителей", fmt(f.per_1000, "per_1000")], ["Просрочено", f.overdue === null ? "—" : String(f.overdue)],
     ["Доля просроченных", fmt(f.overdue_share, "overdue_share")]].forEach(function (pair) {
      row(pair[0], pair[1]).forEach(function (node) { list.appendChild(node); });
    });
    info.appendChild(list);
    if (f.list_url) {
      var links = document.createElement("p");
      links.innerHTML = '<a data-testid="map-info-list"></a> · <a data-testid="map-info-overdue"></a>';
      links.children[0].href = f.list_url; links.children[0].textContent = "Обращения";
      links.children[1].href = f.list_url + "&overdue=1"; links.children[1].textContent = "Просроченные";
      info.appendChild(links);
    }
  }
  function drawPoints(data) {
    points.clearLayers();
    var markers = data.points.map(function (p) {
      var marker = L.marker([p.lat, p.lon], { icon: L.divIcon({ className: "map-point", iconSize: [12, 12] }), title: p.number });
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = "/ui/appeals/" + p.id; link.textContent = "№ " + p.number;
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode((p.group || "без группы") + " · " + (STATUS_RU[p.status] || p.status)));
      marker.bindPopup(popup);
      return marker;
    });
    points.addLayers(markers);
    document.getElementById("map-points").textContent = data.points_total > data.points.length
      ? "Точек на карте: " + data.points.length + " последних из " + data.points_total + " с координатами."
      : "Точек на карте: " + data.points.length + ".";
  }
  function query() {
    var params = new URLSearchParams();
    ["from", "to", "group", "channel"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    return params.toString();
  }
  function restyle() {
    computeBreaks();
    if (areas) { areas.setStyle(style); }
    drawLegend();
  }
  var zoomed = false;
  function zoomToScope() {
    // A district office's figures cover one municipality: start the map there, the rest stays around it.
    var own = Object.keys(figures).filter(function (id) { return figures[id].appeals !== null; });
    if (zoomed || !areas || own.length !== 1) { return; }
    zoomed = true;
    areas.eachLayer(function (layer) { if (layer.feature.id === own[0]) { map.fitBounds(layer.getBounds(), { maxZoom: 10 }); } });
  }
  function loadFigures() {
    return fetch(box.getAttribute("data-figures") + "?" + query(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        figures = {};
        data.municipalities.forEach(function (m) { figures[m.id] = m; });
        restyle();
        drawPoints(data);
        zoomToScope();
        box.setAttribute("data-ready", "true");
      });
  }
  fetch(box.getAttribute("data-boundaries"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (collection) {
      map.attributionControl.addAttribution(collection.attribution);
      areas = L.geoJSON(collection, {
        style: style,
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(feature.properties.name, { sticky: true });
          layer.on("click", function () { show(feature.id); });
        }
      }).addTo(map);
      areas.bringToBack();
      map.fitBounds(areas.getBounds());
      return loadFigures();
    })
    .catch(function (error) {
      if (window.console) { console.error("map:", error); }
      info.innerHTML = '<p class="error">Не удалось загрузить карту. Обновите страницу.</p>';
    });
  form.addEventListener("submit", function (event) { event.preventDefault(); loadFigures(); });
  form.querySelectorAll("input[name=measure]").forEach(function (radio) { radio.addEventListener("change", restyle); });
})();
