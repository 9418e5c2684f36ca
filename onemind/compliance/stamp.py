"""The key under which an agency's whole dashboard is cached: data version + rules, read in O(1).

``DataVersion`` changes on every roster/training write (signals.py); the pledge row with its rule edition and the
course catalog are already loaded for the request, so rule or equivalents changes change the key too.
"""

from __future__ import annotations

import hashlib

from onemind.compliance.loader import CourseCatalog
from onemind.compliance.models import DataVersion
from onemind.pledges.models import Pledge as PledgeRow
from onemind.tenancy.models import Agency


def data_stamp(agency: Agency, pledge_row: PledgeRow | None, catalog: CourseCatalog) -> str:
    version = DataVersion.objects.filter(agency=agency).values_list("version", flat=True).first() or 0
    edition = None
    if pledge_row is not None:
        e = pledge_row.edition
        edition = [(f.attname, getattr(e, f.attname)) for f in e._meta.concrete_fields]
    rules = (
        version,
        pledge_row.pk if pledge_row else None,
        edition,
        agency.recognized_on,
        sorted(catalog.codes.items()),
        sorted(catalog.mhfa_equivalents),
        sorted(catalog.cit_equivalents),
    )
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:32]
