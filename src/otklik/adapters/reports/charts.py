"""The PDF's pictures as SVG, drawn on the server by matplotlib (object API: no pyplot, no GUI backend, no global
state between requests): bars of volumes and the choropleth of the municipalities from the shipped GeoJSON."""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

import shapely
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from shapely.geometry import MultiPolygon, shape
from shapely.geometry import Polygon as ShapelyPolygon

BAR_COLOR = "#1F4E79"
NO_DATA = "#D9D9D9"
PRINT_SIMPLIFY_DEGREES = 0.01
FONT = "DejaVu Sans"  # matplotlib ships it: Cyrillic without system fonts


def _svg(figure: Figure) -> str:
    out = StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg") :]  # the XML prolog and doctype are not allowed inside HTML


def bars(title: str, labels: Sequence[str], values: Sequence[int], *, horizontal: bool = False) -> str:
    height = max(2.6, 0.32 * len(labels) + 1.0) if horizontal else 3.0
    figure = Figure(figsize=(7.2, height))
    axes = figure.add_subplot()
    if horizontal:
        axes.barh(list(labels)[::-1], list(values)[::-1], color=BAR_COLOR)
        axes.set_xlabel("обращений", fontfamily=FONT)
    else:
        axes.bar(list(labels), list(values), color=BAR_COLOR)
        axes.set_ylabel("обращений", fontfamily=FONT)
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_title(title, fontfamily=FONT, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    if not values:
        axes.text(0.5, 0.5, "нет обращений", transform=axes.transAxes, ha="center", fontfamily=FONT)
    return _svg(figure)


def _rings(found: Any) -> list[list[tuple[float, float]]]:
    parts = list(found.geoms) if isinstance(found, MultiPolygon) else [found]
    return [list(p.exterior.coords) for p in parts if isinstance(p, ShapelyPolygon)]


def choropleth(title: str, features: Sequence[dict[str, Any]], values: dict[str, float | None], legend: str) -> str:
    """Municipalities coloured by their value; those without one (outside the scope, no population) in grey."""
    figure = Figure(figsize=(7.2, 6.2))
    axes = figure.add_subplot()
    known = [v for v in values.values() if v is not None]
    norm = Normalize(vmin=0, vmax=max(known) if known and max(known) > 0 else 1)
    cmap = colormaps["YlOrRd"]
    patches, colors = [], []
    # A printed page needs far fewer vertices than the screen map: ≈ 1 km keeps the borders' look at A4 and cuts the
    # PDF's drawing (and WeasyPrint's time) several-fold; coverage simplification keeps neighbours' borders shared.
    shapes = shapely.coverage_simplify([shape(f["geometry"]) for f in features], PRINT_SIMPLIFY_DEGREES)
    for feature, simplified in zip(features, shapes, strict=True):
        value = values.get(str(feature.get("id")))
        for ring in _rings(simplified):
            patches.append(Polygon(ring, closed=True))
            colors.append(cmap(norm(value)) if value is not None else NO_DATA)
    axes.add_collection(PatchCollection(patches, facecolor=colors, edgecolor="white", linewidth=0.6))
    axes.autoscale_view()
    axes.set_aspect(1.8)  # ≈ 1 / cos(58°): Kostroma's latitude, so the region is not stretched sideways
    axes.set_axis_off()
    axes.set_title(title, fontfamily=FONT, fontsize=11)
    bar = figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.6)
    bar.set_label(legend, fontfamily=FONT)
    return _svg(figure)
