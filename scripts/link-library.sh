#!/usr/bin/env bash
# Gives the freshly built shared library its versioned name (libchorus_pro.so.MAJOR, the
# soname that build.rs records) inside target/PROFILE, so that programs linked against
# it in the tree find it at run time. Usage: scripts/link-library.sh [PROFILE]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-debug}
major=$(sed -n 's/^version = "\([0-9]*\)\..*/\1/p' Cargo.toml | head -n 1)
if [ -f "target/$profile/libchorus_pro.so" ]; then
  ln -sf libchorus_pro.so "target/$profile/libchorus_pro.so.$major"
fi
