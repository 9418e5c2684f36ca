"""The fixed cast every test uses: a home agency with one user per role, another agency, campaign staff."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from hypothesis import settings as hypothesis_settings

from onemind.accounts.models import User
from onemind.pledges.models import Pledge, RuleEdition
from onemind.pledges.services import pledge_agency
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

# In CI every property test draws the same examples, so a red run can be repeated and a green one means the same
# thing twice; locally the examples vary and keep looking for new failures.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

PASSWORD = "correct-horse-battery-42"
# ONEMIND_SHARED_DATA points elsewhere when the repository is checked out away from ../shared.
SHARED_DATA = Path(
    os.environ.get("ONEMIND_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with a message when the folder is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"../shared/data/{relative} is absent: real-data tests need the shared folder beside the repo")
    return path


@dataclass
class Cast:
    agency: Agency
    other_agency: Agency
    admin: User
    coordinator: User
    viewer: User
    liaison: User
    provider: User
    officer: User  # Role.OFFICER; tests link a roster person to them (tests/roster/helpers.py)
    outsider: User
    staff: User
    pledge: Pledge

    def client_for(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(self, who))
        return client


def make_user(email: str, name: str, **extra: object) -> User:
    extra.setdefault("email_verified_at", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


def make_agency(name: str, state: str, ori: str, **extra: object) -> Agency:
    return Agency.objects.create(name=name, state=state, ori=ori, agency_type="city", **extra)


def ensure_reference_data() -> None:
    """Rule editions, course types and resources come from data migrations; transactional tests flush them."""
    import importlib

    from django.apps import apps

    for module, function in [
        ("onemind.pledges.migrations.0002_editions", "create_editions"),
        ("onemind.pledges.migrations.0003_edition_s4_designated", "set_2019"),
        ("onemind.training.migrations.0002_course_types", "create_course_types"),
        ("onemind.public.migrations.0002_resources", "create_resources"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def cast(db: None) -> Cast:
    ensure_reference_data()
    with scopes_disabled():
        agency = make_agency("Springfield Police Department", "IL", "IL0160000", sworn_count=9, nonsworn_count=3)
        other = make_agency("Shelbyville Police Department", "IL", "IL0170000", sworn_count=40)
        people = {
            "admin": (Role.AGENCY_ADMIN, agency),
            "coordinator": (Role.TRAINING_COORDINATOR, agency),
            "viewer": (Role.AGENCY_VIEWER, agency),
            "liaison": (Role.PARTNER_LIAISON, agency),
            "provider": (Role.COURSE_PROVIDER, agency),
            "officer": (Role.OFFICER, agency),
            "outsider": (Role.AGENCY_ADMIN, other),
        }
        users = {}
        for key, (role, where) in people.items():
            users[key] = make_user(f"{key}@example.org", key.title())
            Membership.objects.create(user=users[key], agency=where, role=role)
        staff = make_user("staff@example.org", "Staff", is_campaign_staff=True)
        edition = RuleEdition.objects.get(code="2016")
        pledge = pledge_agency(
            actor=users["admin"],
            agency=agency,
            edition=edition,
            committed_months=24,
            pledged_on=dt.date(2026, 1, 15),
            sworn_count=9,
            nonsworn_count=3,
            head_name="Pat Chief",
            head_title="Chief of Police",
            consent_given=True,
        )
        pledge_agency(
            actor=users["outsider"],
            agency=other,
            edition=edition,
            committed_months=12,
            pledged_on=dt.date(2026, 2, 1),
            sworn_count=40,
            nonsworn_count=10,
            head_name="Other Chief",
            head_title="Chief",
            consent_given=True,
        )
    return Cast(agency=agency, other_agency=other, staff=staff, pledge=pledge, **users)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    # A transactional test starts from a database the previous one flushed, which takes the migrations' reference
    # rows (rule editions, course types, resources) with it; pages such as the landing page need them.
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    if transactional or {"live_server", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings: object, tmp_path: Path) -> None:
    # Uploaded evidence written by tests must not pile up in the real data folder.
    settings.PRIVATE_FILES_DIR = tmp_path / "private"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _two_factor_not_enforced_by_default(settings: object) -> None:
    # Two-factor enforcement has its own tests (tests/accounts/test_security.py), which switch it on.
    settings.REQUIRE_TWO_FACTOR = False  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # PBKDF2 at production strength costs ~0.3 s per user; the cast would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Cached dashboards are keyed by agency id and data version; a rolled-back test reuses both, so a stale page
    # from an earlier test must not answer a later one.
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
