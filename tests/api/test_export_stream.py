"""The data export is written to a temporary file table by table; its content must equal the rows of
`agency_rows` serialized whole (what the export held when it was built in memory), entry for entry."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from onemind.api import export
from onemind.api.export import agency_rows, export_archive
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _expected_entries(cast: Cast) -> dict[str, bytes]:
    entries = {}
    for label, rows in agency_rows(cast.agency).items():
        entries[f"tables/{label}.json"] = json.dumps(rows, indent=1, sort_keys=True, default=str).encode()
    return entries


def _with_certificate(cast: Cast, name: str, content: bytes) -> None:
    folder = Path(settings.PRIVATE_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    make_training(make_person(cast.agency, last_name="Filed"), certificate_file=name)


def test_the_streamed_archive_holds_exactly_the_rows_serialized_whole(cast: Cast, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(export, "_CHUNK", 3)  # several chunks per table, and a chunk boundary inside one
    for i in range(8):
        make_training(make_person(cast.agency, last_name=f"Person{i}", first_name='two\nlines "q" ü'))
    _with_certificate(cast, "a" * 32 + ".pdf", b"%PDF-1.4 one")
    expected = _expected_entries(cast)
    spool, filename = export_archive(actor=cast.admin, agency=cast.agency, via="web")
    with spool, zipfile.ZipFile(spool) as archive:
        names = archive.namelist()
        entries = {name: archive.read(name) for name in names}
    assert filename.startswith(f"onemind-{cast.agency.slug}-") and filename.endswith(".zip")
    # Same entries in the same order: the tables by label, the members last, then the files and the manifest.
    assert names == [*expected, f"files/{'a' * 32}.pdf", "manifest.json"]
    for name, content in expected.items():
        assert entries[name] == content, name
    assert entries[f"files/{'a' * 32}.pdf"] == b"%PDF-1.4 one"
    manifest = json.loads(entries["manifest.json"])
    assert manifest["tables"]["roster.person"]["rows"] == 9
    for label, meta in manifest["tables"].items():
        content = expected[f"tables/{label}.json"]
        assert meta == {"rows": len(json.loads(content)), "sha256": hashlib.sha256(content).hexdigest()}
    assert manifest["files"] == {"a" * 32 + ".pdf": hashlib.sha256(b"%PDF-1.4 one").hexdigest()}


def test_an_empty_table_is_an_empty_list(cast: Cast) -> None:
    spool, _ = export_archive(actor=cast.admin, agency=cast.agency, via="web")
    with spool, zipfile.ZipFile(spool) as archive:
        assert archive.read("tables/roster.person.json") == b"[]"


def test_the_response_streams_the_file_with_its_length(cast: Cast) -> None:
    from django.urls import reverse

    with scopes_disabled():
        make_training(make_person(cast.agency))
    response = cast.client_for("admin").get(reverse("api_tokens:export", args=[cast.agency.slug]))
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
