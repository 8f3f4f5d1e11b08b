#!/usr/bin/env bash
# Whole-process benchmarks of libchorus_pro.so (release build) against a local nginx that
# replies with fixed JSON, next to a keep-alive curl loop (the floor) and two Python peers.
# Prints a results table; the raw results go to $BENCH_WORK_DIR/results.jsonl.
#
# Usage: scripts/bench/run.sh
# Needs nginx, curl, hyperfine, a C compiler and python3 with venv; on Debian:
#   apt-get install -y nginx curl hyperfine
# Every load loop stops at a call count or a time limit, whichever comes first. All
# traffic goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
repository=$PWD

for tool in nginx curl hyperfine cc python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "run.sh: $tool is missing; on Debian: apt-get install -y nginx curl hyperfine gcc python3-venv" >&2
    exit 2
  fi
done

work=${BENCH_WORK_DIR:-$(mktemp -d /tmp/chorus-bench.XXXXXX)}
mkdir -p "$work/nginx"
results=$work/results.jsonl
: >"$results"
echo "work folder: $work"
tools() { python3 "$repository/scripts/bench/tools.py" "$@"; }

echo "== machine"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "cores: $(nproc), CPU: $cpu_model"
echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg), rustc processes: $(pgrep -c rustc || true)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml || echo ', with uncommitted changes to src or Cargo.toml')"

echo "== build (release)"
cargo build --release --quiet -p chorus-pro --lib --example build_xml
scripts/link-library.sh release
library=target/release/libchorus_pro.so
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude scripts/bench/load.c -o "$work/load" \
  -Ltarget/release -lchorus_pro -lpthread -Wl,-rpath,"$repository/target/release"

echo "== Python peers in $work/venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check chorus-api==1.0.6 requests
peer_versions=$("$work/venv/bin/pip" freeze | grep -Ei '^(chorus-api|requests)==' | tr '\n' ' ')
echo "installed: $peer_versions"

echo "== invoices"
for size in 20kB:20000 2MB:2000000; do
  name=${size%%:*}
  echo "$name: $(tools invoice --build-xml target/release/examples/build_xml --work-dir "$work" \
    --name "$name" --target-bytes "${size##*:}")"
done
echo '{"flux_number": "CPP1000000042"}' >"$work/status-query.json"
echo '{"numeroFluxDepot":"CPP1000000042"}' >"$work/body-status.json"

echo "== nginx stand-in"
port=$(tools free-port)
base_url=http://127.0.0.1:$port
tools nginx-conf --work-dir "$work/nginx" --port "$port" >"$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "$base_url/" && break
  sleep 0.1
done
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') on $base_url"

for file in 1 2; do
  cat >"$work/config-$file.json" <<EOF
{"environment": "qualification", "token_url": "$base_url/api/oauth/token",
 "base_url": "$base_url", "client_id": "bench-client-$file",
 "client_secret": "bench-client-secret", "technical_login": "TECH_${file}_bench@cpro.fr",
 "technical_password": "bench-technical-password", "language": "en", "timeout_seconds": 30}
EOF
done
config=$work/config-1.json
access_log=$work/nginx/access.log

# record GROUP LABEL COMMAND...: runs COMMAND with an empty access log and stores its last
# output line (key=value pairs) with the requests and connections nginx saw.
record() {
  local group=$1 label=$2
  shift 2
  : >"$access_log"
  local output
  output=$("$@" | tail -n 1)
  sleep 0.2
  python3 - "$group" "$label" "$output" "$(tools log-counts "$access_log")" >>"$results" <<'EOF'
import json, sys
group, label, output, counts = sys.argv[1:]
metrics = dict(pair.split("=", 1) for pair in output.split())
print(json.dumps({"group": group, "label": label, "metrics": metrics, "counts": json.loads(counts)}))
EOF
  echo "$group / $label: $output"
}

# curl_floor NAME PATH BODY COUNT: COUNT sequential transfers on one keep-alive connection.
curl_floor() {
  local name=$1 path=$2 body=$3 count=$4
  tools curl-config --url "$base_url$path" --count "$count" >"$work/curl-$name.conf"
  timeout 300 curl -s -K "$work/curl-$name.conf" -w '%{time_total}\n' \
    -H 'Authorization: Bearer bench-access-token' \
    -H "cpro-account: $(printf 'TECH_1_bench@cpro.fr:bench-technical-password' | base64 -w 0)" \
    -H 'Content-Type: application/json;charset=utf-8' -H 'Accept: application/json;charset=utf-8' \
    --data-binary "@$body" >"$work/curl-$name.times"
  tools summary "$work/curl-$name.times"
}

peer() {
  timeout 600 "$work/venv/bin/python" scripts/bench/peers.py --base-url "$base_url" "$@"
}

echo "== per call, one thread (1000 sequential calls; 100 for 2 MB)"
# load run CONFIGS KIND INPUT THREADS MAX_CALLS MAX_SECONDS WARMUP_CALLS
record submit_20kB library "$work/load" run "$config" submit "$work/invoice-20kB.json" 1 1000 60 0
record submit_20kB curl_floor curl_floor 20kB /cpro/factures/v1/deposer/flux "$work/body-20kB.json" 1000
record submit_20kB python_requests peer --peer requests --kind submit --body "$work/body-20kB.json" --calls 1000 --max-seconds 60
record submit_20kB python_chorus_api peer --peer chorus-api --kind submit --body "$work/body-20kB.json" --calls 1000 --max-seconds 60

record submit_2MB library "$work/load" run "$config" submit "$work/invoice-2MB.json" 1 100 120 0
record submit_2MB curl_floor curl_floor 2MB /cpro/factures/v1/deposer/flux "$work/body-2MB.json" 100
record submit_2MB python_requests peer --peer requests --kind submit --body "$work/body-2MB.json" --calls 100 --max-seconds 120
record submit_2MB python_chorus_api peer --peer chorus-api --kind submit --body "$work/body-2MB.json" --calls 100 --max-seconds 120

record get_status library "$work/load" run "$config" status "$work/status-query.json" 1 1000 60 0
record get_status curl_floor curl_floor status /cpro/transverses/v1/consulterCRDetaille "$work/body-status.json" 1000
record get_status python_requests peer --peer requests --kind status --body "$work/body-20kB.json" --calls 1000 --max-seconds 60
record get_status python_chorus_api peer --peer chorus-api --kind status --body "$work/body-20kB.json" --calls 1000 --max-seconds 60

echo "== throughput by threads and company files (at most 20000 calls or 8 s each)"
for kind in status submit; do
  input=$work/status-query.json
  [ "$kind" = submit ] && input=$work/invoice-20kB.json
  for threads in 1 2 4 8; do
    record "threads_$kind" "$threads threads, 1 file" "$work/load" run "$config" "$kind" "$input" "$threads" 20000 8 1
  done
  for threads in 2 4 8; do
    record "threads_$kind" "$threads threads, 2 files" "$work/load" run "$config,$work/config-2.json" "$kind" "$input" "$threads" 20000 8 1
  done
done

echo "== memory (resident set size after 1000 warm-up calls, at each tenth of the calls, at the end)"
record memory "status" "$work/load" run "$config" status "$work/status-query.json" 1 100000 180 1000
record memory "submit 20 kB" "$work/load" run "$config" submit "$work/invoice-20kB.json" 1 100000 180 1000

echo "== cold start (new process: load, configure, token, first deposit of the 20 kB invoice)"
"$work/load" cold "$config" "$work/invoice-20kB.json"
: >"$access_log"
hyperfine -N --warmup 3 --runs 30 --export-json "$work/cold.json" \
  "$work/load cold $config $work/invoice-20kB.json" >/dev/null
python3 - "$work/cold.json" "$(tools log-counts "$access_log")" >>"$results" <<'EOF'
import json, statistics, sys
times = json.load(open(sys.argv[1]))["results"][0]["times"]
# The access log also contains the requests of hyperfine's 3 warm-up runs.
metrics = {"runs": len(times), "warmup_runs": 3, "median_us": f"{statistics.median(times) * 1e6:.1f}",
           "min_us": f"{min(times) * 1e6:.1f}", "max_us": f"{max(times) * 1e6:.1f}"}
print(json.dumps({"group": "cold_start", "label": "whole process", "metrics": metrics,
                  "counts": json.loads(sys.argv[2])}))
EOF
tail -n 1 "$results"

echo "== library size"
cp "$library" "$work/libchorus_pro.stripped.so"
strip --strip-all "$work/libchorus_pro.stripped.so"
python3 - "$library" "$work/libchorus_pro.stripped.so" >>"$results" <<'EOF'
import json, os, sys
print(json.dumps({"group": "size", "label": "libchorus_pro.so", "counts": {},
                  "metrics": {"bytes": os.path.getsize(sys.argv[1]),
                              "stripped_bytes": os.path.getsize(sys.argv[2])}}))
EOF
tail -n 1 "$results"

echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg), rustc processes: $(pgrep -c rustc || true)"
echo
tools report "$results"
