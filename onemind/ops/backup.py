"""Backup and restore of the whole database plus uploaded evidence files, with a checksum manifest.

The data is Django's portable JSON serialization (so a SQLite backup restores into PostgreSQL and back), read inside
one transaction so a backup taken during an import is a consistent snapshot. The manifest holds, per model, the row
count and a SHA-256 over its serialized rows, and a SHA-256 per file; restore checks all of them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.roster.erasure import erasure_summary

FORMAT_VERSION = 1
# Rebuilt by migrations or meaningless after a restore (sessions, lockout counters).
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"}
_CHUNK = 2000


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    files: int


def backed_up_models() -> list[type[models.Model]]:
    chosen = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED or meta.proxy or not meta.managed:
            continue
        chosen.append(model)
    return serializers.sort_dependencies([(apps.get_app_config(m._meta.app_label), [m]) for m in chosen])


class _LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup must restore every value exactly."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _rows(model: type[models.Model]) -> Iterator[dict[str, object]]:
    queryset = model._base_manager.order_by("pk")
    for obj in queryset.iterator(chunk_size=_CHUNK):
        yield json.loads(json.dumps(serializers.serialize("python", [obj])[0], cls=_LosslessEncoder))


def create_backup(target_dir: Path) -> BackupSummary:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = target_dir / f"onemind-backup-{stamp}"
    path.mkdir(parents=True, exist_ok=False)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "models": {},
        "files": {},
    }
    total = 0
    with scopes_disabled(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one snapshot for every table, even while imports run
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # What retention erased before this snapshot (the roster rows carry `erased_at`): a restore never brings
        # erased data back, and whoever holds the backup can see that erasures happened.
        manifest["erasure"] = erasure_summary()
        with gzip.open(path / "data.jsonl.gz", "wt", encoding="utf-8") as out:
            for model in backed_up_models():
                digest = hashlib.sha256()
                count = 0
                for row in _rows(model):
                    line = json.dumps(row, sort_keys=True)
                    digest.update(line.encode())
                    out.write(line + "\n")
                    count += 1
                manifest["models"][model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
                total += count
    files = _copy_files(Path(settings.PRIVATE_FILES_DIR), path / "files", manifest)
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupSummary(path, total, files)


def _copy_files(source: Path, destination: Path, manifest: dict[str, Any]) -> int:
    destination.mkdir()
    count = 0
    if not source.exists():
        return 0
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source).as_posix()
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        manifest["files"][relative] = _sha256(target)
        count += 1
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_backup(path: Path) -> dict[str, Any]:
    """Check every file and every model's rows against the manifest; raise BackupError naming the first mismatch."""
    manifest_path = path / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{path} has no manifest.json: not a OneMind backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Backup format {manifest.get('format')} is not supported (expected {FORMAT_VERSION})")
    for relative, expected in manifest["files"].items():
        file = path / "files" / relative
        if not file.exists() or _sha256(file) != expected:
            raise BackupError(f"File {relative} is missing or changed since the backup")
    seen: dict[str, hashlib._Hash] = {}
    counts: dict[str, int] = {}
    with gzip.open(path / "data.jsonl.gz", "rt", encoding="utf-8") as data:
        for line in data:
            label = json.loads(line)["model"]
            seen.setdefault(label, hashlib.sha256()).update(line.rstrip("\n").encode())
            counts[label] = counts.get(label, 0) + 1
    for label, expected in manifest["models"].items():
        if counts.get(label, 0) != expected["rows"]:
            raise BackupError(f"{label}: {counts.get(label, 0)} rows in the data, {expected['rows']} in the manifest")
        if expected["rows"] and seen[label].hexdigest() != expected["sha256"]:
            raise BackupError(f"{label}: data checksum does not match the manifest")
    return manifest


def restore_backup(path: Path) -> int:
    """Load a verified backup into an empty database, then copy the evidence files back."""
    manifest = verify_backup(path)
    with scopes_disabled(), transaction.atomic():
        from onemind.accounts.models import User
        from onemind.tenancy.models import Agency

        if User.objects.exists() or Agency.objects.exists():
            raise BackupError(
                "The database is not empty (it has users or agencies). Restore into a freshly migrated, empty database."
            )
        _clear_migration_seeded_rows(manifest)
        rows = 0
        batch: list[str] = []
        with gzip.open(path / "data.jsonl.gz", "rt", encoding="utf-8") as data:
            for line in data:
                batch.append(line)
                if len(batch) >= _CHUNK:
                    rows += _load(batch)
                    batch = []
        rows += _load(batch)
        _reset_sequences()
    files_dir = Path(settings.PRIVATE_FILES_DIR)
    for relative in manifest["files"]:
        target = files_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path / "files" / relative, target)
    return rows


def _clear_migration_seeded_rows(manifest: dict[str, Any]) -> None:
    # Data migrations seed reference rows (editions, course types, resources); the backup carries its own copies.
    for model in backed_up_models():
        if manifest["models"].get(model._meta.label_lower, {}).get("rows"):
            model._base_manager.all().delete()


def _load(lines: list[str]) -> int:
    if not lines:
        return 0
    objects = serializers.deserialize("json", "[" + ",".join(lines) + "]")
    count = 0
    for obj in objects:
        obj.save()
        count += 1
    return count


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def table_fingerprints() -> dict[str, tuple[int, str]]:
    """Row count and content checksum of every backed-up model, for comparing two databases."""
    result = {}
    with scopes_disabled():
        for model in backed_up_models():
            digest = hashlib.sha256()
            count = 0
            for row in _rows(model):
                digest.update(json.dumps(row, sort_keys=True).encode())
                count += 1
            result[model._meta.label_lower] = (count, digest.hexdigest())
    return result
