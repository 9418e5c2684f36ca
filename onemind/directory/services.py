"""Loading the national agency directory. Re-running an import updates agencies in place, never duplicates them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from onemind.audit.services import log_action
from onemind.directory.parsing import ParsedAgency, RowError, parse_agency_file
from onemind.tenancy.changes import agencies_changed
from onemind.tenancy.models import Agency

_DIRECTORY_FIELDS = ("name", "agency_type", "state", "county", "latitude", "longitude")
_BATCH = 1000


@dataclass
class DirectoryImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # agencies that manage their own profile: the directory does not overwrite them
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept + len(self.errors)


class _Slugs:
    """Hands out unique slugs without a query per agency."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def new(self, name: str, state: str, ori: str) -> str:
        base = slugify(f"{name} {state}")[:60] or "agency"
        for candidate in (base, f"{base}-{ori.lower()}"):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        n = 2
        while f"{base}-{n}" in self.taken:
            n += 1
        self.taken.add(f"{base}-{n}")
        return f"{base}-{n}"


def import_agencies(path: str, *, actor: object = None) -> DirectoryImportReport:
    """Create or update directory agencies from an FBI CDE or plain CSV file, in one transaction."""
    rows = parse_agency_file(path)
    report = DirectoryImportReport()
    existing = {a.ori: a for a in Agency.objects.exclude(ori="")}
    by_ori7: dict[str, list[Agency]] = {}
    for agency in existing.values():
        by_ori7.setdefault(agency.ori7, []).append(agency)
    slugs = _Slugs(Agency.objects.values_list("slug", flat=True))
    seen: dict[str, int] = {}
    to_create: list[Agency] = []
    to_update: list[Agency] = []
    for row in rows:
        if isinstance(row, RowError):
            report.errors.append(row)
            continue
        if row.ori in seen:
            report.errors.append(
                RowError(
                    row.row_number,
                    "ori",
                    row.ori,
                    f"ORI {row.ori} appears again; its first row is {seen[row.ori]}",
                )
            )
            continue
        seen[row.ori] = row.row_number
        match, error = _match(row, existing, by_ori7)
        if error:
            report.errors.append(error)
        elif match is None:
            created = Agency(
                ori=row.ori,
                ori7=row.ori[:7],
                slug=slugs.new(row.name, row.state, row.ori),
                source=Agency.Source.DIRECTORY,
                **_fields(row),
            )
            to_create.append(created)
            existing[row.ori] = created
            report.created += 1
        elif match.source != Agency.Source.DIRECTORY:
            report.kept += 1
        elif _apply(match, row):
            to_update.append(match)
            report.updated += 1
        else:
            report.unchanged += 1
    with transaction.atomic():
        Agency.objects.bulk_create(to_create, batch_size=_BATCH)
        Agency.objects.bulk_update(to_update, list(_DIRECTORY_FIELDS), batch_size=_BATCH)
        agencies_changed(agency.pk for agency in to_update)  # name, state and type feed the campaign figures
        log_action(
            actor=actor,
            action="directory.imported",
            after={
                "file": str(path),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "kept": report.kept,
                "errors": len(report.errors),
            },
        )
    return report


def _match(
    row: ParsedAgency, existing: dict[str, Agency], by_ori7: dict[str, list[Agency]]
) -> tuple[Agency | None, RowError | None]:
    if row.ori in existing:
        return existing[row.ori], None
    if len(row.ori) == 7:
        # A legacy 7-character ORI links to the one agency whose 9-character ORI begins with it.
        candidates = by_ori7.get(row.ori, [])
        if len(candidates) == 1:
            return candidates[0], None
        if len(candidates) > 1:
            listed = ", ".join(sorted(a.ori for a in candidates)[:5])
            return None, RowError(
                row.row_number,
                "ori",
                row.ori,
                f"Legacy ORI {row.ori} matches {len(candidates)} agencies ({listed}); use the 9-character ORI",
            )
    return None, None


def _fields(row: ParsedAgency) -> dict[str, object]:
    return {name: getattr(row, name) if name != "agency_type" else row.agency_type for name in _DIRECTORY_FIELDS}


def _apply(agency: Agency, row: ParsedAgency) -> bool:
    changed = False
    for name, value in _fields(row).items():
        if getattr(agency, name) != value:
            setattr(agency, name, value)
            changed = True
    return changed
