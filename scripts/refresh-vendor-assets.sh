#!/usr/bin/env bash
# Refresh the vendored U.S. Web Design System (USWDS) assets in
# onemind/static/vendor/uswds/ from the npm registry.
#
# Maintainers only: needs npm (to download the package tarball), tar, sed,
# grep and sha512sum. People running the app never need Node.js; the copied
# files are committed to the repository and served by Django/WhiteNoise.
#
# To upgrade: change USWDS_VERSION, set USWDS_SHA512 to "" for one run (the
# script prints the new checksum), review the diff, then pin the checksum.
set -euo pipefail

USWDS_VERSION="3.14.0"
# sha512 of the npm tarball uswds-uswds-${USWDS_VERSION}.tgz
USWDS_SHA512="930679d13a86b33c63dfe310866f9cf38848d32f2b20aa1ced92ca6ee1e0fbcad39058aca7d95738c443db0725cb2b9865a869003c4cbda3e89e0edbc0bedc7b"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${REPO_ROOT}/onemind/static/vendor/uswds"

for tool in npm tar sed grep sha512sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "Downloading @uswds/uswds@${USWDS_VERSION} ..."
TARBALL="$(cd "$TMP" && npm pack --silent "@uswds/uswds@${USWDS_VERSION}" | tail -n 1)"
ACTUAL_SHA512="$(sha512sum "${TMP}/${TARBALL}" | cut -d ' ' -f 1)"
if [[ -z "$USWDS_SHA512" ]]; then
    echo "warning: no checksum pinned; tarball sha512 is:" >&2
    echo "  ${ACTUAL_SHA512}" >&2
elif [[ "$ACTUAL_SHA512" != "$USWDS_SHA512" ]]; then
    echo "error: checksum mismatch for ${TARBALL}" >&2
    echo "  expected ${USWDS_SHA512}" >&2
    echo "  got      ${ACTUAL_SHA512}" >&2
    exit 1
fi
tar -xzf "${TMP}/${TARBALL}" -C "$TMP"
PKG="${TMP}/package"
DIST="${PKG}/dist"

# Start from a clean directory so files dropped upstream do not linger.
rm -rf "$DEST"
mkdir -p "$DEST/css" "$DEST/js" "$DEST/fonts" "$DEST/img"

# CSS and JS. The "sourceMappingURL" comments are removed because the .map
# files are not vendored (the CSS map alone is 1.3 MB), and Django's
# ManifestStaticFilesStorage (used by WhiteNoise) fails collectstatic when a
# referenced source map is missing.
sed '/^\/\*# sourceMappingURL=.*\*\/$/d' "$DIST/css/uswds.min.css" > "$DEST/css/uswds.min.css"
for js in uswds-init.min.js uswds.min.js; do
    sed '/^\/\/# sourceMappingURL=/d' "$DIST/js/$js" > "$DEST/js/$js"
done

# Every ../fonts/ and ../img/ file that uswds.min.css references via url(...).
# (The CSS also contains empty "url()" inside @supports feature tests; those
# reference nothing and are ignored.)
referenced_assets() {
    grep -oE 'url\(["'"'"']?\.\./(fonts|img)/[^)"'"'"'?#]+' "$1" \
        | sed -E 's/^url\(["'"'"']?\.\.\///' \
        | sort -u
}
while IFS= read -r rel; do
    mkdir -p "$DEST/$(dirname "$rel")"
    cp "$DIST/$rel" "$DEST/$rel"
done < <(referenced_assets "$DEST/css/uswds.min.css")

# Images used directly in templates (banner, icon sprite), not via the CSS.
for img in sprite.svg us_flag_small.png icon-dot-gov.svg icon-https.svg; do
    cp "$DIST/img/$img" "$DEST/img/$img"
done

cp "$PKG/LICENSE.md" "$DEST/LICENSE.md"
printf '%s\n' "$USWDS_VERSION" > "$DEST/VERSION"

# --- Verification: every url(../fonts|img/...) in the CSS must resolve. ---
missing=0
while IFS= read -r rel; do
    if [[ ! -f "$DEST/$rel" ]]; then
        echo "error: uswds.min.css references missing file: $rel" >&2
        missing=1
    fi
done < <(referenced_assets "$DEST/css/uswds.min.css")
# Any other relative url() (outside fonts/ and img/) would not be copied.
if grep -oE 'url\(["'"'"']?[^)"'"'"']+' "$DEST/css/uswds.min.css" \
        | sed -E 's/^url\(["'"'"']?//' \
        | grep -vE '^(\.\./(fonts|img)/|data:|https?:|//|#)' ; then
    echo "error: uswds.min.css has url() references the script does not handle (listed above)" >&2
    missing=1
fi
if grep -q 'sourceMappingURL' "$DEST/css/uswds.min.css" "$DEST/js/"*.js; then
    echo "error: a sourceMappingURL comment survived" >&2
    missing=1
fi
if [[ "$missing" -ne 0 ]]; then
    exit 1
fi

echo "Vendored USWDS ${USWDS_VERSION} into ${DEST#"$REPO_ROOT"/}:"
(cd "$DEST" && find . -type f | sort | sed 's|^\./|  |')
echo "Total size: $(find "$DEST" -type f -exec cat {} + | wc -c | tr -d ' ') bytes"
