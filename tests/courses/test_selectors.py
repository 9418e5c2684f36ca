"""Distances, places and the finder's filter parsing; ``public_sessions`` as the API calls it."""

from __future__ import annotations

from typing import Any

import pytest

from onemind.courses import geo, selectors
from onemind.tenancy.models import Agency
from tests.conftest import Cast
from tests.courses.helpers import DECATUR, SPRINGFIELD, make_session


def test_haversine_matches_a_known_distance() -> None:
    # Springfield to Decatur, Illinois: about 36 miles as the crow flies.
    assert geo.haversine_miles(SPRINGFIELD, DECATUR) == pytest.approx(36, abs=2)
    assert geo.haversine_miles(SPRINGFIELD, SPRINGFIELD) == 0


@pytest.mark.parametrize("miles", [25, 100, 500])
def test_the_bounding_box_holds_every_point_within_the_radius(miles: int) -> None:
    lat_min, lat_max, lon_min, lon_max = geo.bounding_box(SPRINGFIELD, miles)
    for bearing_point in [(lat_max, SPRINGFIELD[1]), (lat_min, SPRINGFIELD[1]), (SPRINGFIELD[0], lon_max)]:
        assert geo.haversine_miles(SPRINGFIELD, bearing_point) >= miles * 0.99


@pytest.mark.parametrize(
    ("text", "found"),
    [("62701", True), ("62701-1234", True), ("springfield, il", True), ("Atlantis, ZZ", False), ("nowhere", False)],
)
def test_places_are_zip_codes_or_city_and_state(text: str, found: bool) -> None:
    assert (geo.locate(text) is not None) is found


@pytest.mark.django_db
def test_an_agency_without_coordinates_is_placed_at_its_county(cast: Cast) -> None:
    agency = Agency(name="X", state="IL", county="Sangamon County")
    point = selectors.agency_point(agency)
    assert point is not None and geo.haversine_miles((point.latitude, point.longitude), SPRINGFIELD) < 25
    assert selectors.agency_point(Agency(name="Y", state="IL")) is None


def test_bad_filter_values_are_dropped_with_a_sentence() -> None:
    f = selectors.parse_filters({"from": "yesterday", "radius": "7", "format": "hologram", "sort": "distance"})
    assert f.date_from is None and f.radius == selectors.DEFAULT_RADIUS and f.format == ""
    assert f.sort == "date"
    assert f.errors == ["“yesterday” is not a date: use YYYY-MM-DD."]


@pytest.mark.django_db
def test_public_sessions_takes_plain_query_parameters(cast: Cast, provider_org: Any) -> None:
    near = make_session(provider_org, code="CIT-40")
    make_session(provider_org, code="MHFA-PS", hours=8)
    far = make_session(provider_org, code="CIT-40", city="Phoenix", state="AZ", latitude=33.45, longitude=-112.07)
    assert list(selectors.public_sessions({"type": "CIT-40"})) == [near, far]
    assert list(selectors.public_sessions({"type": "CIT-40", "near": "62701", "radius": "100"})) == [near]
    session = selectors.public_sessions({})[0]
    assert (session.confirmed_count, session.waitlist_count) == (0, 0)  # type: ignore[attr-defined]
