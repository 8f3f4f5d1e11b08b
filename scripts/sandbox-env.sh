# Sourced by the demo and test scripts: starts the local sandbox on a free loopback port
# and stops it when the calling script exits.
#
# After `start_sandbox [ARGS...]`, SANDBOX_URL contains its base URL (http://127.0.0.1:PORT).

SANDBOX_BIN=${SANDBOX_BIN:-target/debug/chorus-sandbox}

start_sandbox() {
  SANDBOX_DIR=$(mktemp -d)
  "$SANDBOX_BIN" --port 0 "$@" >"$SANDBOX_DIR/stdout" 2>"$SANDBOX_DIR/stderr" &
  SANDBOX_PID=$!
  trap stop_sandbox EXIT
  for _ in $(seq 1 100); do
    SANDBOX_URL=$(sed -n 's/^chorus-sandbox listening on \(http:[^ ]*\).*/\1/p' "$SANDBOX_DIR/stdout")
    if [ -n "$SANDBOX_URL" ]; then
      export SANDBOX_URL
      return 0
    fi
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "chorus-sandbox did not start; its stderr:" >&2
  cat "$SANDBOX_DIR/stderr" >&2
  return 1
}

stop_sandbox() {
  if [ -n "${SANDBOX_PID:-}" ]; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=
  fi
  if [ -n "${SANDBOX_DIR:-}" ]; then
    rm -rf "$SANDBOX_DIR"
    SANDBOX_DIR=
  fi
}

# Writes a configuration for the sandbox at SANDBOX_URL to the file named by $1.
write_sandbox_config() {
  sed "s|@SANDBOX_URL@|$SANDBOX_URL|g" examples/config.sandbox.json.in >"$1"
}
