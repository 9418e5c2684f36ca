"""The key under which an agency's dashboard is cached, read in one query whatever the roster's size.

It joins the agency's DataVersion (bumped on every roster, training, partnership, policy or verification write),
the one RulesVersion (bumped when rule editions or the course catalog change) and the agency's current pledge
(so a new pledge, edition or commitment changes the key even without a signal). ``recognized_on`` comes from the
agency row the request already holds.
"""

from __future__ import annotations

from django.db import connection

from onemind.compliance.models import DataVersion, RulesVersion
from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency


def _stamp_sql() -> str:
    return (
        f"SELECT dv.version, rv.version, p.id, p.edition_id, p.pledged_on, p.committed_months "  # noqa: S608
        f"FROM {Agency._meta.db_table} a "
        f"LEFT JOIN {DataVersion._meta.db_table} dv ON dv.agency_id = a.id "
        f"LEFT JOIN {RulesVersion._meta.db_table} rv ON rv.id = 1 "
        f"LEFT JOIN {Pledge._meta.db_table} p ON p.agency_id = a.id AND p.superseded_at IS NULL "
        f"WHERE a.id = %s"
    )


def dashboard_stamp(agency: Agency) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [agency.pk])
        row = cursor.fetchone()
    return ":".join(str(part) for part in (*(row or ()), agency.recognized_on))
