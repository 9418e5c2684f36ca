"""A synthetic roster for the import benchmark and the browser test: generated names, never real officers."""

from __future__ import annotations

import csv
import io
import random

from onemind.roster.columns import ROSTER_COLUMNS

_LAST = (
    "Abbott Baker Castillo Dunn Ellison Farrow Garza Holt Ingram Jaramillo Keane Lindqvist Moreau Nakamura Okafor "
    "Pruitt Quintero Ramsey Sato Thibault Underhill Vance Whitlock Xiong Yates Zamora Brennan Calloway Dorsey Espinoza"
).split()
_FIRST = (
    "Alex Blair Casey Dana Emery Flynn Gray Harper Indigo Jordan Kai Logan Morgan Noel Oakley Parker Quinn Reese "
    "Sage Taylor Val Wren"
).split()
_RANKS = (
    ("Police Officer", "yes", 70),
    ("Sergeant", "yes", 12),
    ("Lieutenant", "yes", 4),
    ("Detective", "yes", 6),
    ("Dispatcher", "no", 5),
    ("Records Clerk", "no", 3),
)
_UNITS = ("Patrol North", "Patrol South", "Traffic", "Investigations", "Communications", "Training")


def synthetic_roster(rows: int, *, seed: int = 7, columns: int = 0) -> bytes:
    """A roster CSV in the export format with `rows` generated people.

    `columns` > the export's 14 adds unmapped columns of HR-system noise (a wide payroll export).
    """
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    ranks = [r for r in _RANKS for _ in range(r[2])]
    extra = [f"hr_field_{n:03d}" for n in range(max(0, columns - len(ROSTER_COLUMNS)))]
    noise = [str(n % 60) if n % 3 else "" for n in range(200)]  # short codes: 120 columns stay under 25 MB
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*ROSTER_COLUMNS, *extra])
    for n in range(1, rows + 1):
        rank, sworn, _ = rng.choice(ranks)
        year = rng.randint(1985, 2024)
        tail = [noise[(n + k) % 200] for k in range(len(extra))]
        writer.writerow(
            [
                *(
                    {
                        "employee_number": f"E{n:06d}",
                        "badge_number": str(100000 + n),
                        "last_name": rng.choice(_LAST),
                        "first_name": rng.choice(_FIRST),
                        "sworn": sworn,
                        "rank": rank,
                        "unit": rng.choice(_UNITS),
                        "shift": rng.choice(("Day", "Evening", "Night")),
                        "district": f"District {rng.randint(1, 25)}",
                        "hire_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "separation_date": "",
                        "separation_reason": "",
                        "status": "active",
                        "email": "",
                    }.get(c, "")
                    for c in ROSTER_COLUMNS
                ),
                *tail,
            ]
        )
    return out.getvalue().encode()
