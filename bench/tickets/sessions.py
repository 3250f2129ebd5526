#!/usr/bin/env python3
"""Signs in the clients of the load benchmark and prepares what they send.

    python3 bench/tickets/sessions.py BASE_URL USER:PASSWORD[,USER:PASSWORD…] --clients 50 --out DIR

Each client logs in through the login form and keeps its session cookie. It then reads the ids
of reports it may open from its list of reports, and files the report form once as a person
does (the form, then its review page): the review page's confirmation form, with its fields as
the page holds them, becomes the body that the `file` load sends, with a new submission key
each time. Writes DIR/sessions.txt (cookie, CSRF token, report ids), and for the clients that may file
reports DIR/file-sessions.txt and DIR/file-bodies.txt, line by line together.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path


class Forms(HTMLParser):
    """The forms of a page: action, and the fields with their values (first option of a select,
    first radio of a group, as typed later)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "buttons": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "radio" and a["name"] in fields:
                return
            if kind in ("checkbox",) and "checked" not in a:
                return
            if kind != "file":
                fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            fields[a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and a.get("value"):
            fields.setdefault(self._select, a["value"])
        elif tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def send(base: str, path: str, cookie: str | None, data: dict | None = None) -> tuple[int, object, str]:
    headers = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    if cookie:
        headers["Cookie"] = f"__Host-sid={cookie}"
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def cookie_of(headers, current: str | None) -> str | None:
    """The session id the answer sets (header names are read in any case), or `current`."""
    for value in headers.get_all("Set-Cookie") or []:
        found = re.search(r"__Host-sid=([^;]*)", value)
        if found:
            return found.group(1) or None
    return current


def form_of(page: str, action: str) -> dict:
    parser = Forms()
    parser.feed(page)
    for form in parser.forms:
        if form["action"] == action:
            return form
    sys.exit(f"nessun modulo verso {action} nella pagina")


def sign_in(base: str, user: str, password: str) -> tuple[str, str]:
    status, headers, page = send(base, "/login", None)
    cookie = cookie_of(headers, None)
    fields = form_of(page, "/login")["fields"] | {"username": user, "password": password}
    status, headers, page = send(base, "/login", cookie, fields)
    if status != 303:
        sys.exit(f"accesso di {user} non riuscito ({status})")
    cookie = cookie_of(headers, cookie)
    status, _, page = send(base, "/", cookie)
    csrf = form_of(page, "/logout")["fields"].get("csrf", "")
    return cookie, csrf


def report_ids(base: str, cookie: str) -> list[str]:
    ids: list[str] = []
    for page_number in (1, 2, 3):
        _, _, page = send(base, f"/segnalazioni?page={page_number}", cookie)
        ids += re.findall(r'href="/segnalazioni/(\d+)"', page)
    return sorted(set(ids), key=int) or ["1"]


def confirmation_body(base: str, cookie: str) -> str | None:
    """The review page's confirmation form, or None for a role that files no report."""
    status, _, page = send(base, "/segnalazioni/nuova", cookie)
    if status != 200 or 'action="/segnalazioni/nuova"' not in page:
        return None
    fields = form_of(page, "/segnalazioni/nuova")["fields"] | {
        "file_reference": "PS-2026-4411",
        "citizen_family_name": "Esempio",
        "citizen_given_name": "Carico",
        "citizen_birth_date": "1990-05-31",
        "description": "Prova di carico: rinnovo chiesto a giugno, nessuna convocazione.",
        "urgency_reason": "Contratto di lavoro in scadenza.",
    }
    status, _, review = send(base, "/segnalazioni/nuova", cookie, fields)
    if status != 200 or "Controlla la segnalazione" not in review:
        sys.exit(f"il modulo della segnalazione non passa al riepilogo ({status})")
    confirm = form_of(review, "/segnalazioni/conferma")
    fields = dict(confirm["fields"])
    fields["choice"] = "invia"
    fields["submission_key"] = "KEY"
    return urllib.parse.urlencode(fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("accounts", help="utente:password separati da virgole")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    accounts = [tuple(item.split(":", 1)) for item in args.accounts.split(",")]
    sessions, filers, bodies = [], [], []
    for n in range(args.clients):
        user, password = accounts[n % len(accounts)]
        cookie, csrf = sign_in(args.base, user, password)
        ids = report_ids(args.base, cookie)
        sessions.append(" ".join([cookie, csrf, *ids]))
        body = confirmation_body(args.base, cookie)
        if body is not None:
            filers.append(sessions[-1])
            bodies.append(body)
    if not bodies:
        sys.exit("nessuno dei clienti può inviare segnalazioni")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sessions.txt").write_text("\n".join(sessions) + "\n")
    # The filing clients, in the order of their bodies: each body holds its session's token.
    (args.out / "file-sessions.txt").write_text("\n".join(filers) + "\n")
    (args.out / "file-bodies.txt").write_text("\n".join(bodies) + "\n")
    print(f"{len(sessions)} clienti collegati", file=sys.stderr)


if __name__ == "__main__":
    main()
