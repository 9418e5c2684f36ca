"""The key under which an agency's dashboard is cached, read in one query whatever the roster's size.

It joins the agency's DataVersion (bumped on every roster, training, partnership, policy or verification write),
the one RulesVersion (bumped when rule editions or the course catalog change) and the agency's current pledge
(so a new pledge, edition or commitment changes the key even without a signal). ``recognized_on`` comes from the
agency row the request already holds. For members the same columns arrive with the access check's own query
(``COMPANION``, registered in apps.py), so a dashboard visit pays no query of its own for the stamp.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from onemind.compliance.models import DataVersion, RulesVersion
from onemind.pledges.models import Pledge
from onemind.tenancy.access import AgencyCompanion
from onemind.tenancy.models import Agency


def _companion() -> AgencyCompanion:
    return AgencyCompanion(
        name="dashboard_stamp",
        joins=(
            f"LEFT JOIN {DataVersion._meta.db_table} dashboard_stamp_dv ON dashboard_stamp_dv.agency_id = a.id "
            f"LEFT JOIN {RulesVersion._meta.db_table} dashboard_stamp_rv ON dashboard_stamp_rv.id = 1 "
            f"LEFT JOIN {Pledge._meta.db_table} dashboard_stamp_p "
            f"ON dashboard_stamp_p.agency_id = a.id AND dashboard_stamp_p.superseded_at IS NULL"
        ),
        columns=(
            "dashboard_stamp_dv.version",
            "dashboard_stamp_rv.version",
            "dashboard_stamp_p.id",
            "dashboard_stamp_p.edition_id",
            "dashboard_stamp_p.pledged_on",
            "dashboard_stamp_p.committed_months",
        ),
    )


COMPANION = _companion()


def _stamp_sql() -> str:
    columns = ", ".join(COMPANION.columns)
    return f"SELECT {columns} FROM {Agency._meta.db_table} a {COMPANION.joins} WHERE a.id = %s"  # noqa: S608


def dashboard_stamp(agency: Agency, read_with_access: tuple[Any, ...] | None = None) -> str:
    """The stamp; ``read_with_access`` is ``access.companions["dashboard_stamp"]`` when the request has it, which
    saves the query."""
    row = read_with_access
    if row is None:
        with connection.cursor() as cursor:
            cursor.execute(_stamp_sql(), [agency.pk])
            row = cursor.fetchone()
    return ":".join(str(part) for part in (*(row or ()), agency.recognized_on))
