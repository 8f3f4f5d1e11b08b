#!/usr/bin/env python3
"""Helpers of scripts/bench/run.sh: benchmark invoices, the nginx stand-in configuration,
request bodies, and request and connection counts from the nginx access log.

Each subcommand prints its result on stdout; run with --help for the list.
"""

import argparse
import base64
import json
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE_INVOICE = REPOSITORY / "examples/invoices/facturx-ubl-21-en16931.json"
ROUTES = REPOSITORY / "benches/fixtures/standin_routes.json"


def invoice_with_lines(line_count):
    """Return an invoice with the sample's two lines repeated in turn, numbered from 1.

    The same rule as `invoice_with_lines` in benches/common/mod.rs. The sample's
    expected_totals only hold for its own two lines, so they are dropped.
    """
    invoice = json.loads(SAMPLE_INVOICE.read_text(encoding="utf-8"))
    sample_lines = invoice["lines"]
    lines = []
    for index in range(line_count):
        line = dict(sample_lines[index % len(sample_lines)])
        line["id"] = str(index + 1)
        lines.append(line)
    invoice["lines"] = lines
    invoice["number"] = f"BENCH-{line_count}"
    invoice.pop("expected_totals", None)
    return invoice


def ubl_size(build_xml, work_dir, line_count):
    """Write the invoice of `line_count` lines and its UBL, and return the UBL path and size."""
    json_path = work_dir / f"invoice-{line_count}.json"
    json_path.write_text(json.dumps(invoice_with_lines(line_count), ensure_ascii=False), encoding="utf-8")
    # build_xml writes INVOICE.ubl.xml, a commented copy, and the CII files when valid.
    subprocess.run([build_xml, str(work_dir), str(json_path)], check=True, stdout=subprocess.DEVNULL)
    ubl_path = work_dir / f"invoice-{line_count}.ubl.xml"
    return ubl_path, ubl_path.stat().st_size


def command_invoice(arguments):
    """Find the smallest line count whose UBL reaches the target size, and write the
    invoice JSON, its UBL and the deposit request body under the given name."""
    work_dir = Path(arguments.work_dir)
    at_10 = ubl_size(arguments.build_xml, work_dir, 10)[1]
    at_20 = ubl_size(arguments.build_xml, work_dir, 20)[1]
    per_line = (at_20 - at_10) // 10
    target = arguments.target_bytes
    line_count = 1 if target <= at_10 else 10 + (target - at_10) // per_line
    while True:
        ubl_path, size = ubl_size(arguments.build_xml, work_dir, line_count)
        if size >= target:
            break
        line_count += 1
    invoice_path = work_dir / f"invoice-{arguments.name}.json"
    (work_dir / f"invoice-{line_count}.json").replace(invoice_path)
    ubl_named = work_dir / f"invoice-{arguments.name}.xml"
    ubl_path.replace(ubl_named)
    body = {
        "fichierFlux": base64.b64encode(ubl_named.read_bytes()).decode("ascii"),
        "nomFichier": f"UBL_chorus_facture_BENCH-{line_count}.xml",
        "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
        "avecSignature": False,
    }
    body_path = work_dir / f"body-{arguments.name}.json"
    body_path.write_text(json.dumps(body, separators=(",", ":")), encoding="ascii")
    print(f"lines={line_count} json_bytes={invoice_path.stat().st_size} ubl_bytes={size} "
          f"body_bytes={body_path.stat().st_size}")


def nginx_string(text):
    """Quote text as an nginx string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def command_nginx_conf(arguments):
    """Print an nginx configuration serving the fixed replies of ROUTES on 127.0.0.1."""
    routes = json.loads(ROUTES.read_text(encoding="utf-8"))
    work_dir = Path(arguments.work_dir).resolve()
    locations = []
    for path, body in routes.items():
        reply = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        locations.append(
            f"        location = {path} {{\n"
            f"            default_type application/json;\n"
            f"            return 200 {nginx_string(reply)};\n"
            f"        }}\n"
        )
    print(f"""worker_processes 1;
daemon off;
pid {work_dir}/nginx.pid;
error_log {work_dir}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    log_format counts '$connection $uri $status';
    access_log {work_dir}/access.log counts;
    client_body_temp_path {work_dir}/client_body;
    proxy_temp_path {work_dir}/proxy;
    fastcgi_temp_path {work_dir}/fastcgi;
    uwsgi_temp_path {work_dir}/uwsgi;
    scgi_temp_path {work_dir}/scgi;
    client_max_body_size 64m;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {{
        listen 127.0.0.1:{arguments.port};
{"".join(locations)}        location / {{
            return 404;
        }}
    }}
}}""")


def command_free_port(_arguments):
    """Print a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        print(probe.getsockname()[1])


def command_log_counts(arguments):
    """Print the requests per path and the distinct connections of an access log."""
    connections = set()
    paths = Counter()
    statuses = Counter()
    for line in Path(arguments.log).read_text(encoding="utf-8").splitlines():
        connection, path, status = line.split(" ")
        connections.add(connection)
        paths[path] += 1
        statuses[status] += 1
    print(json.dumps({
        "connections": len(connections),
        "requests": sum(paths.values()),
        "token_requests": paths["/api/oauth/token"],
        "by_path": dict(paths),
        "by_status": dict(statuses),
    }, sort_keys=True))


def command_curl_config(arguments):
    """Print a curl config file with `count` transfers of one URL, each to /dev/null."""
    for _ in range(arguments.count):
        print(f'url = "{arguments.url}"\noutput = "/dev/null"')


def command_summary(arguments):
    """Print the median, minimum and maximum, in microseconds, of a file of durations in
    seconds, one per line."""
    values = sorted(float(line) for line in Path(arguments.file).read_text().split())
    if not values:
        sys.exit(f"{arguments.file} holds no number")
    print(f"calls={len(values)} median_us={values[len(values) // 2] * 1e6:.1f} "
          f"min_us={values[0] * 1e6:.1f} max_us={values[-1] * 1e6:.1f}")


def milliseconds(metrics, key):
    return float(metrics[key]) / 1000


def command_report(arguments):
    """Print Markdown tables of a results.jsonl file written by run.sh."""
    rows = [json.loads(line) for line in Path(arguments.results).read_text().splitlines()]
    by_group = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row)

    print("| Workload | Client | Calls | Median ms | Range ms | × curl floor | Peer ÷ library "
          "| Token requests | TCP connections |")
    print("|---|---|---|---|---|---|---|---|---|")
    for group in ("submit_20kB", "submit_2MB", "get_status"):
        entries = {row["label"]: row for row in by_group.get(group, [])}
        floor = entries.get("curl_floor")
        library = entries.get("library")
        for label, row in entries.items():
            metrics, counts = row["metrics"], row["counts"]
            median = milliseconds(metrics, "median_us")
            versus_floor = f"{median / milliseconds(floor['metrics'], 'median_us'):.2f}" if floor else ""
            versus_library = ""
            if library and label.startswith("python"):
                versus_library = f"{median / milliseconds(library['metrics'], 'median_us'):.2f}"
            print(f"| {group} | {label} | {metrics['calls']} | {median:.3f} "
                  f"| {milliseconds(metrics, 'min_us'):.3f}–{milliseconds(metrics, 'max_us'):.3f} "
                  f"| {versus_floor} | {versus_library} | {counts.get('token_requests', '')} "
                  f"| {counts.get('connections', '')} |")

    print()
    print("| Workload | Threads and files | Calls | Calls/s | Median ms | p90 ms | Token requests "
          "| TCP connections |")
    print("|---|---|---|---|---|---|---|---|")
    for group in ("threads_status", "threads_submit"):
        for row in by_group.get(group, []):
            metrics, counts = row["metrics"], row["counts"]
            print(f"| {group} | {row['label']} | {metrics['calls']} | {float(metrics['calls_per_second']):.0f} "
                  f"| {milliseconds(metrics, 'median_us'):.3f} | {milliseconds(metrics, 'p90_us'):.3f} "
                  f"| {counts['token_requests']} | {counts['connections']} |")

    print()
    # The first tenth includes the start of the worker thread with its stack and malloc
    # arena. So the growth that matters for a long batch is from the first to the last tenth.
    print("| Memory run | Calls | Seconds | RSS after warm-up KiB | RSS at each tenth KiB "
          "| Growth from first to last tenth KiB | RSS after the worker ended KiB |")
    print("|---|---|---|---|---|---|---|")
    for row in by_group.get("memory", []):
        metrics = row["metrics"]
        trace = [int(value) for value in metrics.get("rss_trace_kib", "").split(",") if value]
        growth = trace[-1] - trace[0] if trace else ""
        print(f"| {row['label']} | {metrics['calls']} | {metrics['seconds']} | {metrics['rss_before_kib']} "
              f"| {' '.join(map(str, trace))} | {growth} | {metrics['rss_after_kib']} |")

    print()
    for row in by_group.get("cold_start", []):
        metrics = row["metrics"]
        print(f"Cold start ({metrics['runs']} runs): median {milliseconds(metrics, 'median_us'):.2f} ms, "
              f"range {milliseconds(metrics, 'min_us'):.2f}–{milliseconds(metrics, 'max_us'):.2f} ms; "
              f"requests per run {row['counts']['requests'] / (metrics['runs'] + metrics.get('warmup_runs', 0)):.1f}")
    for row in by_group.get("size", []):
        metrics = row["metrics"]
        print(f"libchorus_pro.so: {metrics['bytes']} bytes, {metrics['stripped_bytes']} bytes stripped")


def command_criterion(arguments):
    """Print a Markdown table of criterion's median estimates, each benchmark of a group
    divided by the group's floor (`floor_raw_tcp`) when it has one."""
    root = Path(arguments.criterion_dir)
    print("| Group | Benchmark | Median | 95% interval of the median | Per second | × raw TCP floor |")
    print("|---|---|---|---|---|---|")
    for group_dir in sorted(path for path in root.iterdir() if path.is_dir() and path.name != "report"):
        medians = {}
        for bench_dir in sorted(path for path in group_dir.iterdir() if (path / "new/estimates.json").exists()):
            estimate = json.loads((bench_dir / "new/estimates.json").read_text())["median"]
            medians[bench_dir.name] = estimate
        floor = medians.get("floor_raw_tcp")
        for name, estimate in medians.items():
            median = estimate["point_estimate"]
            interval = estimate["confidence_interval"]
            ratio = f"{median / floor['point_estimate']:.2f}" if floor else ""
            print(f"| {group_dir.name} | {name} | {format_nanoseconds(median)} "
                  f"| {format_nanoseconds(interval['lower_bound'])}–{format_nanoseconds(interval['upper_bound'])} "
                  f"| {1e9 / median:,.0f} | {ratio} |")


def format_nanoseconds(value):
    if value >= 1e6:
        return f"{value / 1e6:.3f} ms"
    return f"{value / 1e3:.2f} µs"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(required=True)

    invoice = commands.add_parser("invoice", help=command_invoice.__doc__)
    invoice.add_argument("--build-xml", required=True, help="path of the build_xml example binary")
    invoice.add_argument("--work-dir", required=True, help="folder for the written files")
    invoice.add_argument("--name", required=True, help="name of the output files, such as 20kB")
    invoice.add_argument("--target-bytes", type=int, required=True, help="minimum UBL size in bytes")
    invoice.set_defaults(run=command_invoice)

    nginx_conf = commands.add_parser("nginx-conf", help=command_nginx_conf.__doc__)
    nginx_conf.add_argument("--work-dir", required=True, help="folder for logs and temporary files")
    nginx_conf.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    nginx_conf.set_defaults(run=command_nginx_conf)

    free_port = commands.add_parser("free-port", help=command_free_port.__doc__)
    free_port.set_defaults(run=command_free_port)

    log_counts = commands.add_parser("log-counts", help=command_log_counts.__doc__)
    log_counts.add_argument("log", help="access log written with the 'counts' format")
    log_counts.set_defaults(run=command_log_counts)

    curl_config = commands.add_parser("curl-config", help=command_curl_config.__doc__)
    curl_config.add_argument("--url", required=True)
    curl_config.add_argument("--count", type=int, required=True, help="number of transfers")
    curl_config.set_defaults(run=command_curl_config)

    summary = commands.add_parser("summary", help=command_summary.__doc__)
    summary.add_argument("file", help="file of durations in seconds, one per line")
    summary.set_defaults(run=command_summary)

    criterion = commands.add_parser("criterion", help=command_criterion.__doc__)
    criterion.add_argument("criterion_dir", help="criterion's output folder, normally target/criterion")
    criterion.set_defaults(run=command_criterion)

    report = commands.add_parser("report", help=command_report.__doc__)
    report.add_argument("results", help="results.jsonl written by run.sh")
    report.set_defaults(run=command_report)

    arguments = parser.parse_args()
    arguments.run(arguments)


if __name__ == "__main__":
    main()
