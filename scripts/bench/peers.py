#!/usr/bin/env python3
"""Run the deposit and status workloads with two Python peers of the library, against the
same local stand-in, and print one line of key=value results.

Peers:
  requests   a plain `requests.Session` client: one token, keep-alive connections.
  chorus-api the PyPI `chorus-api` client (module `chorusapi`). Its URLs are fixed
             module constants, so the script overwrites the instance's `auth_url` and
             `api_url` after construction to point it at the stand-in.

Both peers send an already written UBL file: neither builds nor validates an invoice,
which the library does on every `chorus_submit`.
"""

import argparse
import base64
import json
import sys
import time
from pathlib import Path

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret"
TECHNICAL_LOGIN = "TECH_1_bench@cpro.fr"
TECHNICAL_PASSWORD = "bench-technical-password"
FLUX_NUMBER = "CPP1000000042"


def requests_peer(base_url, body):
    """Return (submit, status) callables of a keep-alive requests.Session client."""
    import requests

    session = requests.Session()
    token_reply = session.post(
        f"{base_url}/api/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
              "client_secret": CLIENT_SECRET, "scope": "openid"},
        timeout=30,
    )
    token_reply.raise_for_status()
    account = base64.b64encode(f"{TECHNICAL_LOGIN}:{TECHNICAL_PASSWORD}".encode()).decode()
    session.headers.update({
        "Authorization": f"Bearer {token_reply.json()['access_token']}",
        "cpro-account": account,
        "Content-Type": "application/json;charset=utf-8",
        "Accept": "application/json;charset=utf-8",
    })
    status_body = json.dumps({"numeroFluxDepot": FLUX_NUMBER})

    def submit():
        reply = session.post(f"{base_url}/cpro/factures/v1/deposer/flux", data=body, timeout=30)
        reply.raise_for_status()
        if reply.json()["codeRetour"] != 0:
            raise RuntimeError(f"deposit rejected: {reply.text}")

    def status():
        reply = session.post(f"{base_url}/cpro/transverses/v1/consulterCRDetaille",
                             data=status_body, timeout=30)
        reply.raise_for_status()
        if "etatCourantDepotFlux" not in reply.json():
            raise RuntimeError(f"report without etatCourantDepotFlux: {reply.text}")

    return submit, status


def chorus_api_peer(base_url, body):
    """Return (submit, status) callables of the chorus-api client pointed at base_url."""
    from chorusapi.client import ChorusAPI

    client = ChorusAPI(CLIENT_ID, CLIENT_SECRET, TECHNICAL_LOGIN, TECHNICAL_PASSWORD, sandbox=True)
    client.auth_url = f"{base_url}/api/oauth/token"
    client.api_url = base_url
    request = json.loads(body)

    def submit():
        # auth() only sends a token request when the cached token has expired.
        reply = client.auth().deposer_flux(
            request["fichierFlux"], request["nomFichier"], syntaxe_flux=request["syntaxeFlux"])
        if reply.code_retour != 0:
            raise RuntimeError(f"deposit rejected: {reply.libelle}")

    def status():
        reply = client.auth().consulter_cr_detaille(FLUX_NUMBER)
        if reply.code_retour != 0:
            raise RuntimeError(f"report rejected: {reply.libelle}")

    return submit, status


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", choices=["requests", "chorus-api"], required=True)
    parser.add_argument("--kind", choices=["submit", "status"], required=True)
    parser.add_argument("--base-url", required=True, help="stand-in URL, such as http://127.0.0.1:8080")
    parser.add_argument("--body", required=True, help="deposit request body (JSON with the base64 UBL)")
    parser.add_argument("--calls", type=int, required=True, help="maximum number of timed calls")
    parser.add_argument("--max-seconds", type=float, required=True, help="time limit of the timed calls")
    arguments = parser.parse_args()

    body = Path(arguments.body).read_text(encoding="ascii")
    make_peer = requests_peer if arguments.peer == "requests" else chorus_api_peer
    submit, status = make_peer(arguments.base_url, body)
    call = submit if arguments.kind == "submit" else status

    latencies = []
    started = time.perf_counter()
    deadline = started + arguments.max_seconds
    while len(latencies) < arguments.calls and time.perf_counter() < deadline:
        before = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    if not latencies:
        sys.exit("no call finished within the time limit")
    latencies.sort()
    print(f"calls={len(latencies)} seconds={elapsed:.3f} calls_per_second={len(latencies) / elapsed:.1f} "
          f"median_us={latencies[len(latencies) // 2] * 1e6:.1f} min_us={latencies[0] * 1e6:.1f} "
          f"max_us={latencies[-1] * 1e6:.1f}")


if __name__ == "__main__":
    main()
