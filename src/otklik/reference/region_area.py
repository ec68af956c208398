"""The region's territory as one prepared shape: is a point inside Kostroma Oblast?"""

from __future__ import annotations

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from otklik.domain.reference import ReferenceData

# ~1 km of slack: boundaries are simplified OSM lines, and a citizen on the border is still ours.
_TOLERANCE_DEGREES = 0.01


class RegionArea:
    def __init__(self, reference: ReferenceData) -> None:
        union = unary_union([shape(g) for g in reference.boundaries.values()])
        self._area = prep(union.buffer(_TOLERANCE_DEGREES))

    def contains(self, lat: float, lon: float) -> bool:
        return bool(self._area.contains(Point(lon, lat)))
