#!/usr/bin/env bash
# Builds the C# and Delphi (Free Pascal) binding scenarios into build/bindings/ and runs
# each against the debug library and a fresh sandbox. A language whose compiler is not
# installed is skipped with a message. Any other failure fails the script.
#
# Needs target/debug/libchorus_pro.so and target/debug/chorus-sandbox: run
# `cargo build --workspace` (or `make build`) first.
# Compilers: mcs and mono (Debian: mono-mcs), fpc (Debian: fpc).
set -euo pipefail
# NOTE: set -e does not apply inside run_csharp and run_delphi, because they run as `if`
# conditions, so every step there checks its own status.
cd "$(dirname "$0")/.."
. scripts/sandbox-env.sh
scripts/link-library.sh debug

LIBRARY_DIR="$PWD/target/debug"
OUTPUT_DIR=build/bindings
INVOICE=examples/invoices/facturx-ubl-21-en16931.json
HEADER=include/chorus_pro.h

for required in "$LIBRARY_DIR/libchorus_pro.so" "$SANDBOX_BIN" "$INVOICE" "$HEADER"; do
  if [ ! -e "$required" ]; then
    echo "test-bindings: $required is missing; run 'cargo build --workspace' from the repository root first." >&2
    exit 1
  fi
done

status=0
ran=0

run_csharp() {
  local out="$OUTPUT_DIR/csharp"
  mkdir -p "$out"
  echo "--- C#: compiling with $(mcs --version)"
  mcs -target:library -warnaserror -out:"$out/ChorusPro.dll" bindings/csharp/ChorusPro.cs || return 1
  mcs -warnaserror -r:"$out/ChorusPro.dll" -out:"$out/Scenario.exe" bindings/csharp/tests/Scenario.cs ||
    return 1
  start_sandbox --speed 0.1 --quiet || return 1
  echo "--- C#: running the scenario against $SANDBOX_URL"
  # mono resolves DllImport("chorus_pro") to libchorus_pro.so through LD_LIBRARY_PATH.
  local result=0
  LD_LIBRARY_PATH="$LIBRARY_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    mono "$out/Scenario.exe" "$INVOICE" "$HEADER" || result=$?
  stop_sandbox
  return "$result"
}

run_delphi() {
  local out="$OUTPUT_DIR/delphi"
  mkdir -p "$out"
  echo "--- Delphi: compiling with Free Pascal $(fpc -iV) in Delphi mode"
  # -B rebuilds ChorusPro.pas too, -Sew stops on warnings, and -Fl gives the linker the
  # folder of libchorus_pro.so.
  fpc -B -Mdelphi -Sew -vewn -Fubindings/delphi -Fl"$LIBRARY_DIR" -FU"$out" -FE"$out" \
    bindings/delphi/tests/Scenario.dpr || return 1
  start_sandbox --speed 0.1 --quiet || return 1
  echo "--- Delphi: running the scenario against $SANDBOX_URL"
  local result=0
  LD_LIBRARY_PATH="$LIBRARY_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$out/Scenario" "$INVOICE" "$HEADER" || result=$?
  stop_sandbox
  return "$result"
}

if command -v mcs >/dev/null && command -v mono >/dev/null; then
  ran=$((ran + 1))
  if ! run_csharp; then
    echo "--- C#: FAILED" >&2
    status=1
  fi
else
  echo "--- C#: skipped, because mcs or mono is not installed (Debian: apt-get install mono-mcs)"
fi

if command -v fpc >/dev/null; then
  ran=$((ran + 1))
  if ! run_delphi; then
    echo "--- Delphi: FAILED" >&2
    status=1
  fi
else
  echo "--- Delphi: skipped, because fpc is not installed (Debian: apt-get install fpc)"
fi

if [ "$ran" -eq 0 ]; then
  echo "test-bindings: no binding compiler installed; nothing was tested."
fi
exit "$status"
