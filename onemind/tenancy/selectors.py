"""Reads about agencies' administration: the evidence campaign staff weigh on a claim."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Count, QuerySet

from onemind.tenancy.models import Agency, AgencyClaim, Membership
from onemind.tenancy.roles import Role

# Addresses anyone can open: never evidence of working for an agency.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "comcast.net",
        "att.net",
        "verizon.net",
        "example.com",
    }
)


def is_webmail(domain: str) -> bool:
    return domain.lower() in WEBMAIL_DOMAINS


def on_domain(email_domain: str, agency_domain: str) -> bool:
    """``email_domain`` is ``agency_domain`` or one of its subdomains (pd.springfield.gov on springfield.gov)."""
    email_domain, agency_domain = email_domain.lower().strip("."), agency_domain.lower().strip(".")
    if not email_domain or not agency_domain or is_webmail(agency_domain):
        return False
    return email_domain == agency_domain or email_domain.endswith("." + agency_domain)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def is_government_domain(domain: str) -> bool:
    domain = domain.lower()
    return domain.endswith((".gov", ".us", ".mil")) or ".gov." in domain


@dataclass(frozen=True)
class DomainSource:
    label: str
    domain: str
    matches: bool


@dataclass(frozen=True)
class ClaimEvidence:
    email: str
    email_domain: str
    email_verified: bool
    webmail: bool
    government: bool
    sources: tuple[DomainSource, ...]
    head_on_record: str
    head_given: str
    head_matches: bool | None  # None: nothing on record to compare
    ori: str
    from_directory: bool
    administrators: tuple[str, ...]
    competing: int

    @property
    def domain_matches(self) -> bool:
        return any(s.matches for s in self.sources)


def _same_name(a: str, b: str) -> bool:
    def words(s: str) -> list[str]:
        return [w for w in "".join(c if c.isalnum() else " " for c in s.casefold()).split() if len(w) > 1]

    wa, wb = words(a), words(b)
    return bool(wa and wb) and wa[-1] == wb[-1] and wa[0][0] == wb[0][0]


def claim_evidence(
    claim: AgencyClaim, *, administrators: tuple[str, ...] | None = None, competing: int | None = None
) -> ClaimEvidence:
    """The evidence on one claim; a list passes ``administrators`` and ``competing`` read for all its rows."""
    agency, user = claim.agency, claim.user
    domain = user.email_domain
    candidates = [
        ("Verified agency domain (set by campaign staff)", agency.verified_email_domain),
        ("Agency contact e-mail on record", agency.contact_email.rpartition("@")[2]),
        ("Agency website on record", _host(agency.website)),
    ]
    sources = tuple(DomainSource(label, d.lower(), on_domain(domain, d)) for label, d in candidates if d)
    if administrators is None:
        administrators = _administrators([agency.pk]).get(agency.pk, ())
    if competing is None:
        pending = AgencyClaim.objects.filter(agency=agency, status=AgencyClaim.Status.PENDING)
        competing = pending.exclude(pk=claim.pk).count()
    return ClaimEvidence(
        email=user.email,
        email_domain=domain,
        email_verified=user.email_verified,
        webmail=is_webmail(domain),
        government=is_government_domain(domain),
        sources=sources,
        head_on_record=agency.head_name,
        head_given=claim.head_name,
        head_matches=_same_name(agency.head_name, claim.head_name) if agency.head_name else None,
        ori=agency.ori,
        from_directory=agency.source == Agency.Source.DIRECTORY,
        administrators=administrators,
        competing=competing,
    )


def _administrators(agency_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    rows = Membership.objects.filter(agency_id__in=agency_ids, role=Role.AGENCY_ADMIN).order_by("user__email")
    for agency_id, email in rows.values_list("agency_id", "user__email"):
        found.setdefault(agency_id, []).append(email)
    return {k: tuple(v) for k, v in found.items()}


def _pending_counts(agency_ids: list[int]) -> dict[int, int]:
    rows = AgencyClaim.objects.filter(agency_id__in=agency_ids, status=AgencyClaim.Status.PENDING)
    return dict(rows.values("agency_id").annotate(n=Count("pk")).values_list("agency_id", "n"))


def evidence_for(claims: list[AgencyClaim]) -> list[tuple[AgencyClaim, ClaimEvidence]]:
    """Each claim with its evidence, in two queries whatever the number of claims."""
    ids = list({c.agency_id for c in claims})
    admins, counts = _administrators(ids), _pending_counts(ids)
    return [
        (
            c,
            claim_evidence(
                c,
                administrators=admins.get(c.agency_id, ()),
                competing=max(0, counts.get(c.agency_id, 0) - (1 if c.status == c.Status.PENDING else 0)),
            ),
        )
        for c in claims
    ]


def pending_claims() -> QuerySet[AgencyClaim]:
    return (
        AgencyClaim.objects.filter(status=AgencyClaim.Status.PENDING)
        .select_related("agency", "user")
        .order_by("created_at", "pk")
    )


def claims_of(user: Any) -> QuerySet[AgencyClaim]:
    return AgencyClaim.objects.filter(user=user).select_related("agency").order_by("-created_at")
