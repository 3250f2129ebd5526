#!/usr/bin/env python3
"""Edit benchmark: the time from saving a page to the updated HTML being served, for
`respi serve` and for `hugo server`, on the same corpus (bench/corpus.py), median of N edits.

    python3 bench/edit.py --corpus DIR [--edits 20] [--respi target/release/respi] [--search]
                          [--title]

Each edit appends a unique marker to the body of a page (a different page each time, spread over
the sections), saves the file, and polls the page's URL on loopback until the marker is in the
HTML. Both servers are measured in the same run, alternating, because this machine is noisy.
With --search, `respi serve --search` keeps its search index up to date as well: a page is served
only with the index that includes it (Hugo's server has no search index to compare with).
With --title, each edit puts the marker in the page's title instead (front matter: the listings
and tag pages that show the title change too), and the page is polled until its new title is
served.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:  # the page may be missing for a moment while a server rebuilds
        return ""


def wait_until(url: str, marker: str, timeout: float = 120.0, present: bool = True) -> float:
    """Polls `url` until `marker` appears (or, with present=False, is gone from a served page);
    returns the time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = get(url)
        if (marker in html) if present else (html and marker not in html):
            return time.monotonic()
        time.sleep(0.002)
    raise TimeoutError(f"{marker} never {'appeared at' if present else 'left'} {url}")


class Server:
    def __init__(self, name: str, cmd: list[str], cwd: Path, base: str, ready_path: str):
        self.name, self.base = name, base
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        while "<html" not in get(base + ready_path):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.proc.returncode}")
            if time.monotonic() - started > 600:
                raise TimeoutError(f"{name} did not start")
            time.sleep(0.2)
        self.startup = time.monotonic() - started

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def edit_once(server: Server, site: Path, page: dict, n: int, title: bool) -> float:
    marker = f"modifica-{server.name}-{n}-{time.time_ns()}"
    path = site / "content" / page["file"]
    text = path.read_text(encoding="utf-8")
    if title:
        # A whole new title: respi's content rules refuse titles over 70 characters.
        old = f'title: "{page["title"]}"'
        if old not in text:
            raise RuntimeError(f"{path}: no line {old}")
        edited = text.replace(old, f'title: "Titolo {marker}"', 1)
    else:
        edited = text + f"\n{marker}\n"
    t0 = time.monotonic()
    path.write_text(edited, encoding="utf-8")
    url = server.base + page["url"].removeprefix("/respi/")
    try:
        t1 = wait_until(url, marker)
    finally:
        path.write_text(text, encoding="utf-8")
    # The restoring save is served, and the server's rebuild over, before the next edit is timed.
    wait_until(url, marker, present=False)
    time.sleep(0.5)
    return (t1 - t0) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--respi", type=Path, default=REPO / "target" / "release" / "respi")
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument("--search", action="store_true", help="run respi serve --search")
    ap.add_argument("--title", action="store_true", help="edit the title instead of the body")
    args = ap.parse_args()

    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    step = max(1, len(files) // args.edits)
    pages = [files[i * step] for i in range(args.edits)]

    rp, hp = free_port(), free_port()
    search = ["--search"] if args.search else []
    respi = Server("respi", [str(args.respi), "serve", "--port", str(rp), *search], args.corpus / "respi",
                   f"http://127.0.0.1:{rp}/respi/", "")
    hugo = Server("hugo", [args.hugo, "server", "--port", str(hp), "--bind", "127.0.0.1",
                           "--baseURL", f"http://127.0.0.1:{hp}/respi/", "--appendPort=false",
                           "--disableLiveReload"],
                  args.corpus / "hugo", f"http://127.0.0.1:{hp}/respi/", "")
    times: dict[str, list[float]] = {"respi": [], "hugo": []}
    try:
        for n, page in enumerate(pages):
            for server, site in ((respi, "respi"), (hugo, "hugo")):
                times[server.name].append(edit_once(server, args.corpus / site, page, n, args.title))
    finally:
        respi.stop()
        hugo.stop()

    kind = "title" if args.title else "body"
    print(f"pages: {len(files)}, {kind} edits: {args.edits}" + (", respi with --search" if args.search else ""))
    print(f"{'server':<8} {'start (s)':>10} {'median (ms)':>12} {'min':>8} {'max':>8}")
    for server in (respi, hugo):
        t = times[server.name]
        print(f"{server.name:<8} {server.startup:>10.1f} {statistics.median(t):>12.1f} {min(t):>8.1f} {max(t):>8.1f}")
    ratio = statistics.median(times["respi"]) / statistics.median(times["hugo"])
    print(f"ratio respi/hugo (median edit-to-served): {ratio:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
