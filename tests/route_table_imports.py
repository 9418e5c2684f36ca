"""Routes of the import engine for the permission matrix."""

from __future__ import annotations

from typing import Any

from onemind.imports.models import ImportBatch
from tests.routes import Route


def _batch(cast: Any) -> dict[str, object]:
    batch = ImportBatch.objects.create(
        agency=cast.agency,
        kind="roster",
        status=ImportBatch.Status.PREVIEWED,
        file_name="roster.csv",
        stored_name="absent.csv",
        headers=["last_name"],
        mapping={"last_name": "last_name"},
    )
    return {"batch_id": batch.public_id}


ROUTES = {
    "imports:index": Route("agency", "GET", "roster:read"),
    "imports:upload": Route("agency", "GET", "roster:write"),
    "imports:detail": Route("agency", "GET", "roster:read", sample=_batch),
    "imports:mapping": Route("agency", "GET", "roster:write", sample=_batch),
    "imports:progress": Route("agency", "GET", "roster:read", sample=_batch),
    "imports:errors": Route("agency", "GET", "roster:read", sample=_batch),
    # The sample batch has nothing to apply and was never applied: both answer with a redirect and a message.
    "imports:apply": Route("agency", "POST", "roster:write", sample=_batch, allowed_statuses=(302,)),
    "imports:undo": Route("agency", "POST", "roster:write", sample=_batch, allowed_statuses=(302,)),
}
