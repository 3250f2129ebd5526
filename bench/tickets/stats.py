#!/usr/bin/env python3
"""Times the statistics page of the reserved area on a seeded database, over HTTP on loopback.

    python3 bench/tickets/stats.py --binary target/release/respi-tickets --database DB_FILE

DB_FILE is a database made by bench/tickets/seed.py. The service starts on it with `serve --demo`
(the demo adds its accounts and two example kinds of appointment), on a free loopback port; the
script logs in as the demo coordination and requests, --requests times each after two untimed
ones, the statistics page of the default period (the last twelve months, compared with the twelve
before: every seeded report is read), the page of the whole two years of the seeder, and the CSV
of aggregates; then the first page of the report list, a page of the same server reading the same
database, as the reference. It prints the fastest request, the median and the 99th percentile (nearest rank) of each,
each median's ratio to the reference's, and the service's CPU time per request (user and
system, from /proc), which a machine busy with other work inflates less than the wall time.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 200


def config(work: Path, database: Path) -> Path:
    path = work / "respi-tickets.toml"
    path.write_text(
        f"""bind = "127.0.0.1:0"
database = "{work / 'unused.sqlite3'}"
demo_database = "{database}"
[reports]
attachment_dir = "{work / 'attachments'}"
[login]
second_factor_roles = []
ip_burst = 1000
""",
        encoding="utf-8",
    )
    return path


def start(binary: Path, cfg: Path, out: Path) -> tuple[subprocess.Popen, str, str]:
    log = out.open("w", encoding="utf-8")
    child = subprocess.Popen(
        [str(binary), "--config", str(cfg), "serve", "--demo"],
        cwd=ROOT, stdout=log, stderr=subprocess.DEVNULL, env={"RUST_LOG": "warn", "PATH": "/usr/bin:/bin"},
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        text = out.read_text(encoding="utf-8")
        address = re.search(r"^Area riservata in ascolto su http://(\S+?)/?$", text, re.M)
        password = re.search(r"^\s+demo\.coordinamento\s+(\S+)", text, re.M)
        if address and password:
            return child, address.group(1), password.group(1)
        if child.poll() is not None:
            sys.exit(f"respi-tickets non è partito:\n{text}")
        time.sleep(0.2)
    child.terminate()
    sys.exit("respi-tickets non è partito entro 5 minuti")


class Session:
    """A client that keeps the `__Host-sid` cookie by hand (it is `Secure`, the bench is plain HTTP)."""

    def __init__(self, address: str) -> None:
        host, port = address.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.conn.host}:{self.conn.port}"
            headers["Sec-Fetch-Site"] = "same-origin"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("__Host-sid="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def log_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf": csrf, "next": "/", "username": username, "password": password})
        status, text = self.request("POST", "/login", form)
        if status != 303:
            sys.exit(f"accesso non riuscito ({status}):\n{text[:2000]}")


def cpu_ms(pid: int) -> float:
    """CPU time (user and system) the service has used so far, in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def timed(session: Session, path: str, requests: int, check: str) -> list[float]:
    for _ in range(2):
        status, text = session.request("GET", path)
        if status != 200 or check not in text:
            sys.exit(f"{path}: risposta {status} inattesa:\n{text[:2000]}")
    times = []
    for _ in range(requests):
        begin = time.perf_counter()
        status, _ = session.request("GET", path)
        times.append((time.perf_counter() - begin) * 1000)
        if status != 200:
            sys.exit(f"{path}: risposta {status}")
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.99 * len(ordered)), 1) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--since", default="2024-12-01", help="first day of the seeded reports")
    parser.add_argument("--until", default="2026-11-30", help="last day of the seeded reports")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        child, address, password = start(args.binary, config(work, args.database.resolve()), work / "serve.out")
        try:
            session = Session(address)
            session.log_in("demo.coordinamento", password)
            whole = f"/statistiche?dal={args.since}&al={args.until}"
            runs = [
                ("statistiche, ultimi 12 mesi", "/statistiche", "Segnalazioni per stato"),
                ("statistiche, due anni", whole, "Segnalazioni per stato"),
                ("CSV degli aggregati, 12 mesi", "/statistiche/dati.csv", "indicatori;"),
                ("riferimento: /segnalazioni", "/segnalazioni", "Protocollo"),
            ]
            results = []
            for name, path, check in runs:
                before = cpu_ms(child.pid)
                times = timed(session, path, args.requests, check)
                cpu = (cpu_ms(child.pid) - before) / (args.requests + 2)
                results.append((name, times, cpu))
        finally:
            child.terminate()
            child.wait()
    reference = statistics.median(results[-1][1])
    count = args.database.stat().st_size // (1024 * 1024)
    print(f"{args.requests} richieste per pagina dopo 2 di riscaldamento; database {count} MiB;"
          f" carico medio della macchina {os.getloadavg()[0]:.1f} su {os.cpu_count()} processori")
    print(f"{'pagina':<32} {'minimo ms':>10} {'mediana ms':>11} {'p99 ms':>9} {'rapporto':>9}"
          f" {'CPU ms/richiesta':>17}")
    for name, times, cpu in results:
        median = statistics.median(times)
        print(f"{name:<32} {min(times):>10.1f} {median:>11.1f} {p99(times):>9.1f}"
              f" {median / reference:>9.2f} {cpu:>17.1f}")
    worst = max(p99(times) for _, times, _ in results[:2])
    verdict = "raggiunto" if worst < TARGET_MS else "NON raggiunto"
    print(f"obiettivo: pagina delle statistiche sotto {TARGET_MS} ms al 99° percentile: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
