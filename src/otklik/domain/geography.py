"""Municipalities and settlements of the region, and the checks of a point against the region."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    id: str  # OKTMO of the municipality: stable across re-seeds
    name: str  # short name as people say it: «Шарья», «Шарьинский»
    official_name: str
    type: str  # городской округ / муниципальный район / муниципальный округ
    oktmo: str
    centre: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Settlement:
    id: str  # 11-digit OKTMO where known, else a derived key
    name: str
    type: str  # г, пгт, с, д, п ...
    municipality_id: str
    population: int | None
    lat: float
    lon: float


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon
