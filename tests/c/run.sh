#!/usr/bin/env bash
# Builds the C tests against the debug cdylib and runs them against a fresh sandbox.
# The run is repeated under AddressSanitizer when the compiler supports it, and under
# Valgrind when it is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/sandbox-env.sh
scripts/link-library.sh debug

mkdir -p build/c-tests
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -pthread)
LIBS=(-Ltarget/debug -lchorus_pro -Wl,-rpath,"$PWD/target/debug")

cc "${CFLAGS[@]}" tests/c/test_api.c -o build/test_api "${LIBS[@]}"
CHORUS_EXPECTED_VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
export CHORUS_EXPECTED_VERSION
start_sandbox --speed 0.1 --quiet
build/test_api 2>&1 | tee build/c-tests/plain.log
stop_sandbox

# Each setup and availability failure, provoked through the sandbox's fault injection.
cc "${CFLAGS[@]}" tests/c/test_faults.c -o build/test_faults "${LIBS[@]}"
start_sandbox --speed 0.1 --quiet
build/test_faults 2>&1 | tee build/c-tests/faults.log
stop_sandbox

if echo 'int main(void){return 0;}' | cc -fsanitize=address -x c - -o build/asan_probe 2>/dev/null; then
  cc "${CFLAGS[@]}" -g -fsanitize=address,undefined -fno-omit-frame-pointer \
    tests/c/test_api.c -o build/test_api_asan "${LIBS[@]}"
  start_sandbox --speed 0.1 --quiet
  echo "--- again under AddressSanitizer and UBSan"
  ASAN_OPTIONS=detect_leaks=0 build/test_api_asan 2>&1 | tee build/c-tests/asan.log
  stop_sandbox
else
  echo "AddressSanitizer not available: skipped the sanitizer run"
fi

# Memcheck fails the run on any invalid read or write, use of uninitialised memory, or
# definite leak. Rust's process-wide statics show as "still reachable" and are ignored.
if command -v valgrind >/dev/null; then
  start_sandbox --speed 0.1 --quiet
  echo "--- again under Valgrind (memcheck)"
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite build/test_api 2>&1 | tee build/c-tests/valgrind.log
  stop_sandbox
else
  echo "Valgrind not installed: skipped the memcheck run"
fi

# The main job itself: the C host must reach IN_INTEGRE and print the invoice status.
scripts/demo.sh > build/c-tests/demo.log 2>&1 || { cat build/c-tests/demo.log; exit 1; }
for expected in '^flux number: CPP' '^flux state: IN_INTEGRE$' '^invoice status: [A-Z_]*$'; do
  if ! grep -q "$expected" build/c-tests/demo.log; then
    echo "the demo output lacks a line matching $expected:" >&2
    cat build/c-tests/demo.log >&2
    exit 1
  fi
done
echo "demo: flux reached IN_INTEGRE"

# The secrets the C tests configure must appear in nothing they printed.
cpro_account=$(printf '%s' 'TECH_1_sandbox@cpro.fr:sandbox-technical-password' | base64 | tr -d '\n')
if grep -F -l -e sandbox-client-secret -e sandbox-technical-password -e "$cpro_account" \
  build/c-tests/*.log; then
  echo "a secret of the C tests appears in the output files listed above" >&2
  exit 1
fi
