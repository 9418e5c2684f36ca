"""`onemind bench-import [--rows 36000]`: import a generated roster into a fresh agency; print time and memory."""

from __future__ import annotations

import resource
import time
import tracemalloc
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope, scopes_disabled

from onemind.imports import services
from onemind.imports.bench import synthetic_roster
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from onemind.tenancy.models import Agency


class Command(BaseCommand):
    help = "Benchmark the roster import: preview and apply a generated roster in a fresh agency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=36000)
        parser.add_argument(
            "--columns", type=int, default=14, help="Columns of the file (over 14: unmapped HR columns, e.g. 120)."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark agency and its people.")
        parser.add_argument("--tracemalloc", action="store_true", help="Also trace Python allocations (slower).")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = options["rows"]
        if options["tracemalloc"]:
            tracemalloc.start()
        data = synthetic_roster(rows, columns=options["columns"])
        self.stdout.write(f"file: {rows:,} rows x {max(options['columns'], 14)} columns, {len(data) / 1e6:.1f} MB")
        agency = Agency.objects.create(name=f"Import benchmark {time.time():.0f}", state="ZZ", agency_type="other")
        started = time.perf_counter()
        cpu_started = time.process_time()
        with scope(agency=agency):
            batch = services.create_batch(actor=None, agency=agency, kind="roster", name="benchmark.csv", chunks=[data])
            preview_started = time.perf_counter()
            services.run_preview(batch)
            preview_s = time.perf_counter() - preview_started
            self._apply(batch)
            total_s = time.perf_counter() - started
            cpu_s = time.process_time() - cpu_started
            people = Person.objects.filter(agency=agency).count()
            again = services.create_batch(actor=None, agency=agency, kind="roster", name="again.csv", chunks=[data])
            services.run_preview(again)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"rows: {rows:,}  people created: {people:,}  counts: {batch.counts}\n"
            f"preview: {preview_s:.1f} s  apply: {total_s - preview_s:.1f} s  total (upload+preview+apply): "
            f"{total_s:.1f} s (CPU time of this process: {cpu_s:.1f} s; the rest is waiting for the database or "
            "for other processes)\n"
            f"peak memory (max RSS of this process): {peak_rss_mb:.0f} MB"
        )
        if options["tracemalloc"]:
            _current, peak = tracemalloc.get_traced_memory()
            self.stdout.write(f"peak Python allocations (tracemalloc): {peak / 1024 / 1024:.0f} MB")
        self.stdout.write(f"same file again: {again.counts} (idempotent when create and update are 0)")
        if not options["keep"]:
            self._cleanup(agency)

    def _apply(self, batch: ImportBatch) -> None:
        services.request_apply(actor=None, batch=batch, skip_errors=False, separate_missing=False, enqueue=False)
        batch.refresh_from_db()
        services.apply_batch(batch)

    def _cleanup(self, agency: Agency) -> None:
        """Remove the benchmark agency. Plain DELETEs: the ORM's collector would load all 36,000 people first."""
        from django.db import connection, transaction

        from onemind.audit.models import AuditEntry
        from onemind.roster.models import PersonEvent

        with scopes_disabled(), transaction.atomic():
            for batch in ImportBatch.objects.filter(agency=agency):
                services.batch_path(batch).unlink(missing_ok=True)
            ImportBatch.objects.filter(agency=agency).delete()
            PersonEvent.objects.filter(agency=agency).delete()
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {Person._meta.db_table} WHERE agency_id = %s", [agency.pk])  # noqa: S608
            AuditEntry.objects.filter(agency=agency).delete()
            agency.delete()
