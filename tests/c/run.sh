#!/usr/bin/env bash
# Builds the C tests against the debug cdylib and runs them against a fresh sandbox;
# again under AddressSanitizer when the compiler supports it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/sandbox-env.sh

mkdir -p build
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -pthread)
LIBS=(-Ltarget/debug -lchorus_pro -Wl,-rpath,"$PWD/target/debug")

cc "${CFLAGS[@]}" tests/c/test_api.c -o build/test_api "${LIBS[@]}"
start_sandbox --speed 0.1 --quiet
build/test_api
stop_sandbox

if echo 'int main(void){return 0;}' | cc -fsanitize=address -x c - -o build/asan_probe 2>/dev/null; then
  cc "${CFLAGS[@]}" -g -fsanitize=address,undefined -fno-omit-frame-pointer \
    tests/c/test_api.c -o build/test_api_asan "${LIBS[@]}"
  start_sandbox --speed 0.1 --quiet
  echo "--- again under AddressSanitizer and UBSan"
  ASAN_OPTIONS=detect_leaks=0 build/test_api_asan
  stop_sandbox
else
  echo "AddressSanitizer not available: skipped the sanitizer run"
fi
