"""A demo campaign with generated (never real) names: agencies at every stage and one login per role."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.courses.models import ProviderMember
from onemind.pledges.models import Pledge, RuleEdition
from onemind.pledges.services import pledge_agency
from onemind.roster.demo import seed_roster
from onemind.roster.models import Person
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

DEMO_PASSWORD = "onemind-demo-2026"  # noqa: S105 - published demo credential for the local demo only
DEMO_DOMAIN = "demo.onemind.test"

TOWNS = [
    "Riverton",
    "Maple Falls",
    "Cedar Bluff",
    "Oakridge",
    "Pine Hollow",
    "Silver Lake",
    "Fairhaven",
    "Brookfield",
    "Granite City",
    "Willow Creek",
    "Ashford",
    "Lakeview",
    "Stonebridge",
    "Elm Grove",
    "Harbor Point",
    "Red Mesa",
    "Copper Springs",
    "Eagle Pass Junction",
    "Northfield",
    "Clearwater Bay",
    "Hillsdale",
    "Sunset Valley",
    "Quarry Hill",
    "Prairie View Township",
    "Bayside",
    "Forest Glen",
    "Kingsbury",
    "Westmoor",
    "Juniper Flats",
    "Highland Park Heights",
    "Millbrook",
    "Foxborough Commons",
    "Ironwood",
    "Blue Ridge",
    "Falcon Heights",
    "Greystone",
    "Meadowlark",
    "Summit Ridge",
    "Tall Pines",
    "Windmere",
    "Rock Harbor",
    "Deer Run",
    "Cobalt",
    "Arrowhead",
    "Birchwood",
    "Crescent City Park",
    "Dover Plains",
    "Evergreen Point",
    "Glenview Terrace",
    "Hawthorne",
]
STATES = ["IL", "OH", "TX", "GA", "WA", "NJ", "CO", "NC", "VA", "AZ"]
# (suffix, type, typical sworn range): roughly half of US agencies have fewer than 10 sworn officers.
KINDS = [
    ("Police Department", "city", (4, 9)),
    ("Police Department", "city", (10, 60)),
    ("County Sheriff's Office", "county", (20, 300)),
    ("Police Department", "city", (60, 900)),
    ("University Police", "university", (8, 40)),
    ("State Patrol", "state", (400, 2500)),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    agency: str


def seed_demo(*, agencies: int = 40, unpledged: int = 60, seed: int = 2016) -> list[DemoLogin]:
    """Create the demo campaign once; running it again changes nothing and returns the same logins."""
    with scopes_disabled(), transaction.atomic():
        if User.objects.filter(email=f"admin@{DEMO_DOMAIN}").exists():
            return _logins()
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        today = timezone.localdate()
        editions = {e.code: e for e in RuleEdition.objects.all()}
        steward = User.objects.create_user(
            email=f"pledges@{DEMO_DOMAIN}",
            password=DEMO_PASSWORD,
            full_name="Demo pledge recorder",
            email_verified_at=timezone.now(),
        )
        created = [_agency(rng, i) for i in range(agencies + unpledged)]
        for index, agency in enumerate(created[:agencies]):
            _pledge(rng, agency, index, today, editions, steward)
            # Rosters are capped so the demo loads in seconds; the benchmark data set has the real sizes.
            seed_roster(agency, rng=rng, size=min((agency.sworn_count or 0) + (agency.nonsworn_count or 0), 400))
        # The demo logins belong to a mid-sized city department that is part-way through its pledge;
        # "other-admin" runs a small town next door.
        _users(created[9] if agencies > 9 else created[0], created[0] if agencies > 9 else created[-1])
    return _logins()


def _agency(rng: random.Random, index: int) -> Agency:
    town = TOWNS[index % len(TOWNS)]
    state = STATES[(index * 7) % len(STATES)]
    # Every other agency is a small town department: about half of US agencies have fewer than 10 sworn.
    suffix, agency_type, (low, high) = KINDS[index % len(KINDS)] if index % 2 else KINDS[0]
    name = f"{town} {suffix}"
    sworn = rng.randint(low, high)
    ori = f"{state}{9000 + index:05d}00"
    return Agency.objects.create(
        name=name,
        ori=ori,
        agency_type=agency_type,
        state=state,
        county=f"{town} County",
        sworn_count=sworn,
        nonsworn_count=max(1, sworn // 4),
        source=Agency.Source.DIRECTORY,
    )


def _pledge(
    rng: random.Random,
    agency: Agency,
    index: int,
    today: dt.date,
    editions: dict[str, RuleEdition],
    steward: User,
) -> Pledge:
    # Stages: just pledged, in progress, near the deadline, overdue.
    months = rng.choice([12, 18, 24, 36])
    stage = index % 4
    days_ago = {
        0: rng.randint(3, 40),
        1: rng.randint(120, 300),
        2: months * 30 - rng.randint(20, 80),
        3: months * 30 + rng.randint(10, 90),
    }[stage]
    edition = editions["2019"] if index % 5 == 4 else editions["2016"]
    pledge = pledge_agency(
        actor=steward,
        agency=agency,
        edition=edition,
        committed_months=months,
        pledged_on=today - dt.timedelta(days=days_ago),
        sworn_count=agency.sworn_count or 0,
        nonsworn_count=agency.nonsworn_count or 0,
        head_name=f"Chief {rng.choice(['Alex', 'Jordan', 'Sam', 'Robin'])} "
        f"{rng.choice(['Rivera', 'Chen', 'Okafor', 'Novak', 'Larsen'])}",
        head_title="Chief of Police",
        consent_given=True,
    )
    if index % 3 == 0:
        agency.public_profile = True
        agency.save(update_fields=["public_profile"])
    return pledge


def _users(main: Agency, other: Agency) -> None:
    cast = [
        ("admin", "Avery Admin", Role.AGENCY_ADMIN, main),
        ("coordinator", "Casey Coordinator", Role.TRAINING_COORDINATOR, main),
        ("viewer", "Vic Viewer", Role.AGENCY_VIEWER, main),
        ("liaison", "Lee Liaison", Role.PARTNER_LIAISON, main),
        ("provider", "Pat Provider", Role.COURSE_PROVIDER, main),
        ("other-admin", "Olive Otheragency", Role.AGENCY_ADMIN, other),
    ]
    for local, name, role, agency in cast:
        user = User.objects.create_user(
            email=f"{local}@{DEMO_DOMAIN}", password=DEMO_PASSWORD, full_name=name, email_verified_at=timezone.now()
        )
        Membership.objects.create(user=user, agency=agency, role=role)
    User.objects.create_user(
        email=f"staff@{DEMO_DOMAIN}",
        password=DEMO_PASSWORD,
        full_name="Sky Staff",
        is_campaign_staff=True,
        email_verified_at=timezone.now(),
    )
    # An officer who signs in to see their own training record and send a certificate.
    person = Person.objects.filter(agency=main, sworn=True, separation_date__isnull=True).order_by("id").first()
    if person is not None:
        officer = User.objects.create_user(
            email=f"officer@{DEMO_DOMAIN}",
            password=DEMO_PASSWORD,
            full_name=f"{person.first_name} {person.last_name}",
            email_verified_at=timezone.now(),
        )
        Membership.objects.create(user=officer, agency=main, role=Role.OFFICER)
        Person.objects.filter(pk=person.pk).update(user=officer)


def _logins() -> list[DemoLogin]:
    logins = []
    for membership in (
        Membership.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user", "agency")
        .order_by("id")
    ):
        where = membership.agency.name
        if membership.role == Role.COURSE_PROVIDER:
            organization = ProviderMember.objects.filter(user=membership.user).select_related("provider").first()
            where = organization.provider.name if organization else where
        logins.append(DemoLogin(membership.get_role_display(), membership.user.email, where))
    logins.append(DemoLogin("Campaign staff", f"staff@{DEMO_DOMAIN}", "all agencies"))
    return logins


def demo_logins() -> list[DemoLogin]:
    """The demo's logins, read again after the courses and figures are seeded."""
    with scopes_disabled():
        return _logins()
