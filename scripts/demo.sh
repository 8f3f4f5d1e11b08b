#!/usr/bin/env bash
# The main job: a C host (examples/erp_host.c) configures a company file, tests the
# connection, deposits the invoice made from the public sample
# facturx-ubl-21-en16931.xml, and polls until the flux is final, all against the local
# sandbox on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox-env.sh
scripts/link-library.sh debug

mkdir -p build
cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/erp_host.c -o build/erp_host \
  -Ltarget/debug -lchorus_pro -Wl,-rpath,"$PWD/target/debug"

start_sandbox --speed 0.5
echo "sandbox: $SANDBOX_URL"
write_sandbox_config build/config.sandbox.json
# Each run uses a fresh sandbox, so the sample's own invoice number is never a duplicate.
build/erp_host build/config.sandbox.json examples/invoices/facturx-ubl-21-en16931.json 300 60
