"""Distances without a network: US ZIP centroids from the `zipcodes` package and the haversine formula.

A search first narrows candidates with a latitude/longitude bounding box (an indexed range query), then measures the
great-circle distance of the few left in Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

EARTH_RADIUS_MILES = 3958.8
ZIP_RE = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
CITY_STATE_RE = re.compile(r"^\s*(?P<city>[^,]{2,80}),\s*(?P<state>[A-Za-z]{2})\s*$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(origin: tuple[float, float], miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within `miles` of `origin`."""
    lat, lon = origin
    dlat = miles / 69.0
    # Near the poles a degree of longitude shrinks to nothing: then any longitude will do.
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 0.01 else min(180.0, miles / (69.172 * cos_lat))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@lru_cache(maxsize=2048)
def locate(text: str) -> Point | None:
    """A US ZIP code or "City, ST" as a point, or None when unknown."""
    import zipcodes  # loads its table (~0.5 s) on first use only

    zip_match = ZIP_RE.match(text)
    if zip_match:
        try:
            rows = zipcodes.matching(zip_match.group(1))
        except (ValueError, TypeError):
            rows = []
        return _centre(rows, f"ZIP {zip_match.group(1)}")
    city_match = CITY_STATE_RE.match(text)
    if city_match:
        city, state = city_match.group("city").strip(), city_match.group("state").upper()
        rows = zipcodes.filter_by(city=city.title(), state=state) or zipcodes.filter_by(city=city.upper(), state=state)
        return _centre(rows, f"{city.title()}, {state}")
    return None


def county_centre(county: str, state: str) -> Point | None:
    """The middle of a county's ZIP centroids: where an agency without coordinates roughly is."""
    if not (county and state):
        return None
    import zipcodes

    return _centre(zipcodes.filter_by(county=county, state=state.upper()), f"{county}, {state}")


def _centre(rows: list[dict[str, object]], label: str) -> Point | None:
    points = [(float(str(r["lat"])), float(str(r["long"]))) for r in rows if r.get("lat") and r.get("long")]
    if not points:
        return None
    return Point(sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points), label)
