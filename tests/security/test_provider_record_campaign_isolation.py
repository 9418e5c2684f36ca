"""(c, continued) The isolation sweep for the routes that are not scoped by an agency slug alone:

provider   — a course provider's member uses ANOTHER provider's session ids and registration ids in the path,
             the form body and the query string: nothing succeeds (404), and the other provider's rows (its
             sessions, registrations, members) and both agencies' rows are byte-for-byte unchanged;
own-record — an officer uses another officer's roster record and training record ids (of the same agency and of
             another agency) in the path, the body and the query string: nothing succeeds, nothing of theirs shows;
campaign   — every campaign-staff route × every method as every signed-in role that is not campaign staff:
             nothing succeeds, and no table changes.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers import serialize
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.courses import services
from onemind.courses.models import CourseProvider, CourseSession, ProviderMember, Registration
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from tests.conftest import Cast, make_user
from tests.courses.helpers import make_provider, make_session, past
from tests.roster.helpers import make_person, make_training
from tests.route_table_courses import _provider
from tests.security.sweep import all_patterns, dump, route_sample, send, succeeded
from tests.test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db

SIGNED_IN = ["outsider", "liaison", "provider", "officer", "viewer", "coordinator", "admin"]
ALL_METHODS = ["get", "post", "put", "patch", "delete"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _names(kind: str) -> list[str]:
    return sorted({p.name for p in all_patterns() if p.name in ROUTES and ROUTES[p.name].kind == kind})


def _rows(*querysets: Any) -> str:
    with scopes_disabled():
        return json.dumps([json.loads(serialize("json", qs.order_by("pk"))) for qs in querysets], sort_keys=True)


def _refused(response: Any, method: str, route_method: str) -> bool:
    """404 ("not found", as for an outsider); a method the route does not take may be 405 before anything runs."""
    if succeeded(response):
        return False
    return response.status_code == 404 or (response.status_code == 405 and method.upper() != route_method)


def _report(record_property: Any, kind: str, requests: Counter[str], statuses: Counter[int], breaches: list) -> None:  # type: ignore[type-arg]
    total = sum(requests.values())
    record_property(f"isolation_requests_{kind}", total)
    print(
        f"{kind} isolation sweep: {total} requests {dict(requests)}, statuses {dict(sorted(statuses.items()))}, "
        f"{len(breaches)} breaches"
    )


# --- provider ----------------------------------------------------------------------------------------------------

FOREIGN_PROVIDER_MARKERS = ("Qqforeignregistrant", "99 Foreignmarker Road", "Zz Foreign Academy")


def _foreign_provider(cast: Cast) -> dict[str, Any]:
    """Another provider with its own member, a past session with confirmed registrations from both agencies (so
    attendance could be recorded if a path were not checked) and an upcoming one."""
    with scopes_disabled():
        member = make_user("otherprovider@example.org", "Other Provider")
        provider = make_provider(member, name="Zz Foreign Academy")
        upcoming = make_session(provider, address="99 Foreignmarker Road", seats=5)
        held = make_session(provider, address="99 Foreignmarker Road", seats=5)
        home_person = make_person(cast.agency, last_name="Qqforeignregistrant")
        other_person = make_person(cast.other_agency, last_name="Qqforeignregistrant")
        registrations = []
        for session in (upcoming, held):
            for actor, agency, person in (
                (cast.coordinator, cast.agency, home_person),
                (cast.outsider, cast.other_agency, other_person),
            ):
                result = services.register_people(actor=actor, session=session, agency=agency, people=[person])
                registrations += result.confirmed
        past(held)
    return {"provider": provider, "upcoming": upcoming, "held": held, "registrations": registrations}


def _provider_rows(provider: CourseProvider) -> str:
    with scopes_disabled():
        return _rows(
            CourseProvider.objects.filter(pk=provider.pk),
            ProviderMember.objects.filter(provider=provider),
            CourseSession.objects.filter(provider=provider),
            Registration.objects.filter(session__provider=provider),
        )


def _provider_body(foreign: dict[str, Any]) -> dict[str, Any]:
    """Every field name a provider page reads, filled with the other provider's ids."""
    reg_ids = [str(r.public_id) for r in foreign["registrations"]]
    body: dict[str, Any] = {
        "registration": reg_ids,
        "session_id": str(foreign["held"].public_id),
        "session": str(foreign["held"].public_id),
        "provider": foreign["provider"].slug,
        "provider_id": foreign["provider"].pk,
        "provider_slug": foreign["provider"].slug,
        "reason": "Cancelled by someone else",
        "q": "Qqforeign",
    }
    for reg_id in reg_ids:
        body |= {f"attended-{reg_id}": "on", f"completed-{reg_id}": "on", f"certificate-{reg_id}": "ZZ-1"}
    return body


def _shows(response: Any, markers: tuple[str, ...]) -> bool:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode(errors="ignore")
    return any(marker in text for marker in markers)


def test_no_provider_member_reaches_another_providers_sessions(cast: Cast, record_property) -> None:  # noqa: ANN001
    with scopes_disabled():
        own_held = past(make_session(_provider(cast)))  # the member's own held session: attendance can be taken
    foreign = _foreign_provider(cast)
    foreign_ids = {
        "session_id": foreign["held"].public_id,
        "provider_slug": foreign["provider"].slug,
    }
    body = _provider_body(foreign)
    clients = {who: cast.client_for(who) for who in [*SIGNED_IN, "staff"]}
    breaches: list[tuple[str, ...]] = []
    requests: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for name in _names("provider"):
        route = ROUTES[name]
        with route_sample(name, cast) as home_url:
            before = (_provider_rows(foreign["provider"]), dump(cast.agency), dump(cast.other_agency))
            from django.urls import resolve

            params = set(resolve(home_url).kwargs)
            attacks: list[tuple[str, str, list[str]]] = []
            if params:
                for session in ("held", "upcoming"):
                    kwargs = {p: (foreign[session].public_id if p == "session_id" else foreign_ids[p]) for p in params}
                    attacks.append(("path", reverse(name, kwargs=kwargs), sorted({"get", "post"})))
            for kind, url, methods in attacks:
                for who, client in clients.items():
                    for method in methods:
                        response = send(client, method, url, body)
                        requests[kind] += 1
                        statuses[response.status_code] += 1
                        if not _refused(response, method, route.method):
                            breaches.append((kind, name, who, method, str(response.status_code)))
            # The member's own pages with the other provider's ids in the query string and the body: they may
            # answer (it is their page), but must neither show nor touch the other provider's sessions.
            for method in sorted({"get", route.method.lower()}):
                response = send(clients["provider"], method, home_url, body)
                requests["query/body"] += 1
                statuses[response.status_code] += 1
                if _shows(response, FOREIGN_PROVIDER_MARKERS):
                    breaches.append(("query/body", name, "provider", method, str(response.status_code)))
            after = (_provider_rows(foreign["provider"]), dump(cast.agency), dump(cast.other_agency))
            if after != before:
                breaches.append(("changed", name))
    # Attendance on the member's own held session, naming the other provider's registrations: none is marked.
    before = (_provider_rows(foreign["provider"]), dump(cast.agency), dump(cast.other_agency))
    response = clients["provider"].post(reverse("courses:attendance", args=[own_held.public_id]), body)
    requests["query/body"] += 1
    statuses[response.status_code] += 1
    if (_provider_rows(foreign["provider"]), dump(cast.agency), dump(cast.other_agency)) != before:
        breaches.append(("changed", "courses:attendance (own held session)"))
    _report(record_property, "provider", requests, statuses, breaches)
    assert requests["path"] > 0 and requests["query/body"] > 0
    assert not breaches, breaches


# --- own-record --------------------------------------------------------------------------------------------------

OTHER_OFFICER_MARKERS = ("Qqotherofficer", "QQB-77", "ZZC-OTHER")


def _stored(name: str, content: bytes = PDF) -> str:
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.PRIVATE_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return name


def _other_officer(cast: Cast, agency: Any, email: str, file_char: str) -> dict[str, Any]:
    with scopes_disabled():
        user = make_user(email, "Other Officer")
        Membership.objects.create(user=user, agency=agency, role=Role.OFFICER)
    person = make_person(agency, user=user, email=email, last_name="Qqotherofficer", badge_number="QQB-77")
    record = make_training(person, certificate_file=_stored(file_char * 32 + ".pdf"), certificate_number="ZZC-OTHER")
    return {"user": user, "person": person, "record": record}


def _officer_body(others: list[dict[str, Any]], cast: Cast) -> dict[str, Any]:
    from onemind.training.models import CourseType

    other = others[0]
    with scopes_disabled():
        course = CourseType.objects.get(code="MHFA-PS")
    return {
        "person": other["person"].pk,
        "person_id": str(other["person"].public_id),
        "record_id": str(other["record"].public_id),
        "record": other["record"].pk,
        "user": other["user"].pk,
        "agency": cast.other_agency.pk,
        "agency_slug": cast.other_agency.slug,
        "employee_number": other["person"].employee_number,
        "status": "accepted",
        "course_type": course.pk,
        "completed_on": "2026-02-02",
        "hours": "8",
        "provider": "Sweep provider",
        "certificate_number": "SWEEP-1",
    }


def test_no_officer_reaches_another_officers_record(cast: Cast, record_property) -> None:  # noqa: ANN001
    from tests.roster.helpers import make_officer

    make_officer(cast, last_name="Ownofficer")
    others = [
        _other_officer(cast, cast.agency, "officer2@example.org", "c"),  # a colleague in the same agency
        _other_officer(cast, cast.other_agency, "officer3@example.org", "d"),  # an officer of another agency
    ]
    body = _officer_body(others, cast)
    attackers = {"officer": cast.client_for("officer"), **{who: cast.client_for(who) for who in SIGNED_IN}}
    from django.test import Client

    colleague = Client()
    colleague.force_login(others[0]["user"])  # the colleague attacks the cast's officer too
    attackers["colleague"] = colleague

    def other_rows() -> str:
        from onemind.roster.models import Person
        from onemind.training.models import TrainingRecord

        people = [o["person"].pk for o in others]
        with scopes_disabled():
            return _rows(Person.objects.filter(pk__in=people), TrainingRecord.objects.filter(person__in=people))

    breaches: list[tuple[str, ...]] = []
    requests: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for name in _names("own-record"):
        route = ROUTES[name]
        with route_sample(name, cast) as home_url:
            before = (other_rows(), dump(cast.other_agency))
            from django.urls import resolve

            params = set(resolve(home_url).kwargs) - {"agency_slug"}
            urls = []
            for other in others:
                slugs = {cast.agency.slug, other["person"].agency.slug}
                for slug in slugs:
                    kwargs = {"agency_slug": slug}
                    if "record_id" in params:
                        kwargs["record_id"] = other["record"].public_id
                    elif slug == cast.agency.slug:
                        continue  # the officer's own page: the query/body attack below covers it
                    urls.append(reverse(name, kwargs=kwargs))
            for url in sorted(set(urls)):
                for who, client in attackers.items():
                    if who == "colleague" and str(others[0]["record"].public_id) in url:
                        continue  # the colleague's own certificate
                    for method in ("get", "post"):
                        response = send(client, method, url, body)
                        requests["path"] += 1
                        statuses[response.status_code] += 1
                        if not _refused(response, method, route.method):
                            breaches.append(("path", name, who, method, url, str(response.status_code)))
            # The officer's own pages with the others' ids in the query string and the body (with a valid
            # certificate, so an upload runs the service): what it records is the officer's own, nothing of theirs.
            for method in ("get", "post"):
                data = dict(body)
                if method == "post":
                    data["certificate"] = SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")
                response = (
                    attackers["officer"].get(home_url, data)
                    if method == "get"
                    else attackers["officer"].post(home_url, data)
                )
                requests["query/body"] += 1
                statuses[response.status_code] += 1
                if _shows(response, OTHER_OFFICER_MARKERS):
                    breaches.append(("query/body", name, "officer", method, str(response.status_code)))
            if (other_rows(), dump(cast.other_agency)) != before:
                breaches.append(("changed", name))
    _report(record_property, "own-record", requests, statuses, breaches)
    assert requests["path"] > 0 and requests["query/body"] > 0
    assert not breaches, breaches


def test_an_officers_upload_with_someone_elses_ids_lands_on_their_own_record(cast: Cast) -> None:
    """The body attack above may succeed as an upload: prove where the record goes."""
    from onemind.training.models import TrainingRecord
    from tests.roster.helpers import make_officer

    own = make_officer(cast)
    other = _other_officer(cast, cast.agency, "officer2@example.org", "e")
    data = _officer_body([other], cast) | {
        "certificate": SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")
    }
    response = cast.client_for("officer").post(reverse("training:mine_upload", args=[cast.agency.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        created = TrainingRecord.objects.get(certificate_number="SWEEP-1")
        assert created.person_id == own.pk and created.agency_id == cast.agency.pk
        assert created.status == "pending"
        assert TrainingRecord.objects.filter(person=other["person"]).count() == 1


# --- campaign ----------------------------------------------------------------------------------------------------

# Tables that record a visit rather than a change (sessions, last sign-in).
_VOLATILE_TABLES = {"sessions.session"}
_VOLATILE_COLUMNS = {"accounts.user": {"last_login"}, "onemind_api.apitoken": {"last_used_at"}}


def _every_table() -> str:
    """Every row of every table (a test database is small), minus visit records: equal strings, nothing changed."""
    tables = {}
    with scopes_disabled():
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in _VOLATILE_TABLES:
                continue
            rows = json.loads(serialize("json", model._base_manager.order_by("pk")))
            for row in rows:
                for column in _VOLATILE_COLUMNS.get(label, ()):
                    row["fields"].pop(column, None)
            tables[label] = rows
    return json.dumps(tables, sort_keys=True, default=str)


def test_no_role_but_campaign_staff_gets_anything_from_a_campaign_route(cast: Cast, record_property) -> None:  # noqa: ANN001
    from tests.roster.helpers import make_officer

    make_officer(cast)
    clients = {who: cast.client_for(who) for who in SIGNED_IN}
    data = {"agency": cast.other_agency.pk, "fmt": "csv", "role": "agency_admin", "is_campaign_staff": "on"}
    breaches: list[tuple[str, ...]] = []
    requests: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    names = _names("campaign")
    for name in names:
        with route_sample(name, cast) as url:
            before = _every_table()
            for who, client in clients.items():
                for method in ALL_METHODS:
                    response = send(client, method, url, data)
                    requests[method] += 1
                    statuses[response.status_code] += 1
                    if succeeded(response) or response.status_code != 404:
                        breaches.append((name, who, method, str(response.status_code)))
            if _every_table() != before:
                breaches.append(("changed", name))
    _report(record_property, "campaign", requests, statuses, breaches)
    print(f"campaign routes: {len(names)}")
    assert names and not breaches, breaches
