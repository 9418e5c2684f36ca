#!/usr/bin/env python3
"""Build onemind/static/maps/us-states.json: one SVG path per state, for the campaign dashboard's map.

Maintainers only, at build time. The source is the npm package ``us-atlas`` (Census Bureau cartographic boundary
shapes, already projected to Albers USA in a 975 × 610 frame, so no projection code is needed here). The script
downloads the pinned tarball with ``npm pack``, checks its sha512, decodes the TopoJSON ``states`` object and writes
each state's outline as an SVG path. People running OneMind never need Node.js or the network: the JSON is committed.

    python3 scripts/build-us-map.py            # download the pinned version and rebuild
    python3 scripts/build-us-map.py FILE.json  # rebuild from a states-albers-10m.json already on disk

To upgrade: change VERSION, set SHA512 to "" for one run (the script prints the new checksum), review, pin.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "3.0.1"
SHA512 = (
    "c042190aad0898fbc66e54ddf2064ca8d3423e442c86e80c506ffc9e44965dbd"
    "36f97a8d151120f5ab4738a3fdc3aa6b2d94e9a9c2e14af7415bcd4c915dffd1"
)
MEMBER = "package/states-albers-10m.json"
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "onemind" / "static" / "maps" / "us-states.json"
LICENSE_OUT = ROOT / "onemind" / "static" / "maps" / "LICENSE-us-atlas.txt"

# Census FIPS state codes → USPS codes (the 50 states and DC drawn by us-atlas's Albers USA frame).
FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY",
}  # fmt: skip


def download(workdir: Path) -> tuple[dict, str]:
    result = subprocess.run(
        ["npm", "pack", "--silent", f"us-atlas@{VERSION}"], cwd=workdir, check=True, capture_output=True, text=True
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    digest = hashlib.sha512(tarball.read_bytes()).hexdigest()
    if not SHA512:
        print(f"warning: no checksum pinned; tarball sha512 is:\n  {digest}", file=sys.stderr)
    elif digest != SHA512:
        sys.exit(f"error: checksum mismatch for {tarball.name}\n  expected {SHA512}\n  got      {digest}")
    with tarfile.open(tarball) as archive:
        topology = json.load(archive.extractfile(MEMBER))  # type: ignore[arg-type]
        license_text = archive.extractfile("package/LICENSE").read().decode()  # type: ignore[union-attr]
    return topology, license_text


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Quantized, delta-encoded arcs → absolute coordinates (TopoJSON specification, section 2.1.1)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def path_of(geometry: dict, arcs: list[list[tuple[float, float]]]) -> str:
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    parts = []
    for polygon in polygons:
        for indexes in polygon:
            points = ring(indexes, arcs)
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f"M{coords}Z")
    return "".join(parts)


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    states = []
    for geometry in topology["objects"]["states"]["geometries"]:
        code = FIPS[geometry["id"]]
        states.append({"code": code, "name": geometry["properties"]["name"], "d": path_of(geometry, arcs)})
    states.sort(key=lambda s: s["code"])
    return {
        "source": f"us-atlas {VERSION}, states-albers-10m.json (U.S. Census Bureau cartographic boundaries, 1:10m)",
        "license": "ISC (us-atlas, Copyright 2013-2019 Michael Bostock); the boundaries are U.S. Government work",
        "viewBox": "0 0 975 610",
        "states": states,
    }


def main() -> None:
    if len(sys.argv) > 1:
        topology, license_text = json.loads(Path(sys.argv[1]).read_text()), None
    else:
        with tempfile.TemporaryDirectory() as tmp:
            topology, license_text = download(Path(tmp))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(build(topology), separators=(",", ":")) + "\n")
    if license_text:
        LICENSE_OUT.write_text(license_text)
    print(f"Wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
