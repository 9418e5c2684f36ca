"""`onemind fuzz-api --cases 10000 --seed 1`: Schemathesis against the API's OpenAPI schema in a throwaway test
database, with a fixed seed; exits non-zero on any server error. Needs the test extra (pip install '.[test]')."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

TEST = Path(__file__).resolve().parents[4] / "tests" / "security" / "test_fuzz_api.py"


class Command(BaseCommand):
    help = "Fuzz the REST API with generated requests (Schemathesis, fixed seed); fail on any server error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=10_000, help="Generated requests in all (default 10000).")
        parser.add_argument("--seed", type=int, default=1, help="Hypothesis seed, for a repeatable run.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not TEST.exists():
            raise CommandError(f"{TEST} is missing: run this from a checkout of the repository.")
        env = {**os.environ, "ONEMIND_FUZZ_CASES": str(options["cases"]), "ONEMIND_FUZZ_SEED": str(options["seed"])}
        command = [sys.executable, "-m", "pytest", str(TEST), "-s", "-p", "no:randomly", "-p", "no:cacheprovider"]
        result = subprocess.run(command, cwd=TEST.parents[2], env=env, check=False)
        if result.returncode != 0:
            raise CommandError("The fuzz run found server errors or could not run (see above).")
        self.stdout.write(self.style.SUCCESS("No server errors."))
