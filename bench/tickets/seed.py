#!/usr/bin/env python3
"""Fills a reserved-area database with a synthetic network and its reports, for benchmarks.

    python3 bench/tickets/seed.py DB_FILE --reports 100000 --seed 1 [--until 2026-12-01]

The database is created with the service's own migrations (every file of
ticket-service/src/db/migrations, in order, then `user_version` as rusqlite_migration sets it),
so `respi-tickets` opens it as one of its own. DB_FILE must not exist yet.

What it holds, all invented and marked as such (every organisation and user name ends with
"(esempio)"): the coordination, the Questura and the Prefettura, one office per town in every
territorial area, services of the wider network, their operators, the topics, and reports
filed over the two years before --until. Each report's timeline follows the service's state
machine (ticket-service/src/domain/report.rs): taken in charge, a topic, printed batches handed
to the Questura or the Prefettura, their answers recorded and published, validations and
refusals, closings and reopenings with their reasons, and the due dates that the urgency codes
and the business-day calendar give, paused while the institutions hold the report. For the
last 120 days `similar_shown` says whether the form's "similar questions" step showed a
suggestion. The same --seed gives the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "ticket-service" / "src" / "db" / "migrations"
ROME = ZoneInfo("Europe/Rome")
MARK = " (esempio)"

# (area, towns with an office) as in the portal's site.toml, with foreign residents as weights.
AREAS = [
    ("cuneo", 14800, ["Cuneo", "Borgo San Dalmazzo", "Dronero"]),
    ("alba-bra", 16200, ["Alba", "Bra"]),
    ("saluzzo", 9700, ["Saluzzo"]),
    ("fossano-savigliano", 7300, ["Fossano", "Savigliano"]),
    ("mondovi-ceva", 6100, ["Mondovì", "Ceva"]),
]
SERVICE_KINDS = [
    ("comune", "Comune di {town}"),
    ("consorzio socio-assistenziale", "Consorzio socio-assistenziale di {town}"),
    ("centro per l'impiego", "Centro per l'impiego di {town}"),
    ("azienda sanitaria", "Distretto sanitario di {town}"),
]

TOPICS_ADDED = ["Protezione internazionale", "Anagrafe e residenza", "Salute"]
# topic names of migration 0004 plus the ones above, by file kind
TOPIC_OF_FILE = {
    "permesso_soggiorno": "Permesso di soggiorno",
    "ricongiungimento": "Ricongiungimento familiare",
    "cittadinanza": "Cittadinanza",
    "nulla_osta_lavoro": "Lavoro",
    "altro": "Altro",
}
OFFICE_OF_FILE = {
    "permesso_soggiorno": "questura_immigrazione",
    "ricongiungimento": "prefettura_sui",
    "cittadinanza": "prefettura_cittadinanza",
    "nulla_osta_lavoro": "prefettura_sui",
}
INSTITUTION = {
    "questura_immigrazione": "questura",
    "prefettura_sui": "prefettura",
    "prefettura_cittadinanza": "prefettura",
}
URGENCY = [("U1", 2, 0.10), ("U2", 5, 0.30), ("U3", 10, 0.60)]
URGENCY_REASONS = {
    "U1": [
        "Il permesso scade tra pochi giorni e il datore di lavoro chiede il rinnovo per non sospendere il contratto.",
        "Convocazione per la firma del contratto di lavoro fissata la prossima settimana.",
        "Il cittadino deve partire per un grave motivo familiare e teme di non poter rientrare.",
        "Ricovero ospedaliero programmato: serve il documento per l'iscrizione al servizio sanitario.",
    ],
    "U2": [
        "La pratica è ferma da oltre sei mesi senza alcuna comunicazione.",
        "L'iscrizione anagrafica dei figli è sospesa in attesa del documento.",
        "Il nuovo contratto di affitto richiede il permesso in corso di validità.",
        "L'assegno unico è sospeso finché non arriva il rinnovo.",
    ],
    "U3": [
        "Richiesta di informazioni senza scadenze imminenti.",
        "Verifica ordinaria dello stato della pratica.",
        "Il cittadino chiede quali documenti integrare.",
    ],
}

GIVEN = ["Ahmed", "Fatima", "Mohamed", "Aisha", "Ion", "Elena", "Arben", "Blerina", "Li", "Mei",
         "Omar", "Samira", "Kwame", "Ama", "Raj", "Priya", "Yusuf", "Mariam", "Andrei", "Irina",
         "Carlos", "Lucía", "Oleksandr", "Olena", "Bilal", "Nadia", "Moussa", "Awa", "Jorge", "Ana"]
FAMILY = ["El Amrani", "Benali", "Popescu", "Ionescu", "Hoxha", "Krasniqi", "Wang", "Chen",
          "Diallo", "Traoré", "Mensah", "Singh", "Kaur", "Khan", "Hussain", "Petrenko", "Kovalenko",
          "Rodríguez", "García", "Ndiaye", "Sow", "Haddad", "Mansour", "Gashi", "Shehu", "Nowak",
          "Kowalska", "Ogunleye", "Adeyemi", "Cruz"]

# Description parts; singular and plural forms so that stemming has something to match.
SUBJECT_ONE = ["Il cittadino", "La cittadina", "Il richiedente", "La richiedente", "L'utente"]
SUBJECT_MANY = ["I familiari", "I richiedenti", "Il nucleo familiare", "I coniugi"]
FILE_TEXTS = {
    "permesso_soggiorno": [
        ("ha presentato la domanda di rinnovo del permesso di soggiorno per {reason} tramite il kit postale",
         "hanno presentato le domande di rinnovo dei permessi di soggiorno per {reason} tramite i kit postali"),
        ("ha chiesto la conversione del permesso di soggiorno per studio in permesso per lavoro subordinato",
         "hanno chiesto la conversione dei permessi di soggiorno per studio in permessi per lavoro"),
        ("ha chiesto il permesso UE per soggiornanti di lungo periodo",
         "hanno chiesto i permessi UE per soggiornanti di lungo periodo"),
        ("ha ottenuto il rilascio del permesso ma la tessera elettronica non è ancora pronta",
         "hanno ottenuto i rilasci ma le tessere elettroniche non sono ancora pronte"),
    ],
    "ricongiungimento": [
        ("ha presentato la domanda di nulla osta al ricongiungimento familiare per il coniuge",
         "hanno presentato le domande di nulla osta al ricongiungimento per i figli minori"),
        ("attende il nulla osta per il ricongiungimento con la figlia minore",
         "attendono i nulla osta per il ricongiungimento con i figli"),
        ("ha ricevuto una richiesta di integrazione documentale sul portale ALI",
         "hanno ricevuto richieste di integrazione dei documenti sul portale ALI"),
    ],
    "cittadinanza": [
        ("ha presentato la domanda di cittadinanza per residenza",
         "hanno presentato le domande di cittadinanza per residenza"),
        ("ha presentato la domanda di cittadinanza per matrimonio",
         "hanno presentato le domande di cittadinanza per matrimonio"),
        ("attende la convocazione per il giuramento",
         "attendono le convocazioni per il giuramento"),
    ],
    "nulla_osta_lavoro": [
        ("attende il nulla osta al lavoro subordinato chiesto dal datore di lavoro con il decreto flussi",
         "attendono i nulla osta al lavoro chiesti dai datori di lavoro con il decreto flussi"),
        ("ha un nulla osta al lavoro stagionale in agricoltura e deve firmare il contratto di soggiorno",
         "hanno nulla osta al lavoro stagionale e devono firmare i contratti di soggiorno"),
    ],
    "altro": [
        ("chiede informazioni sul documento di viaggio per protezione sussidiaria",
         "chiedono informazioni sui documenti di viaggio per protezione sussidiaria"),
        ("chiede l'aggiornamento dell'indirizzo di residenza sul permesso",
         "chiedono l'aggiornamento degli indirizzi di residenza sui permessi"),
        ("ha smarrito il passaporto e chiede come procedere con la denuncia",
         "hanno smarrito i passaporti e chiedono come procedere con le denunce"),
    ],
}
REASONS = ["lavoro subordinato", "motivi familiari", "lavoro autonomo", "attesa occupazione",
           "studio", "cure mediche"]
SINCE = ["da {n} mesi", "dal {date}", "da oltre {n} mesi", "da circa un anno"]
PROBLEMS = [
    "ma sul portale risulta ancora «in trattazione»",
    "e non ha ricevuto alcuna convocazione",
    "e l'SMS di convocazione non è mai arrivato",
    "ma la ricevuta è scaduta e il datore di lavoro chiede chiarimenti",
    "ma mancano le impronte digitali e non è stato fissato l'appuntamento",
    "e la pratica risulta sospesa senza motivazione",
    "ma la documentazione integrativa inviata non risulta acquisita",
    "e il Comune chiede il documento per l'iscrizione anagrafica",
]
ASKS = {
    "stato_pratica": ["Si chiede di verificare lo stato della pratica.",
                      "Si chiede a che punto sia la pratica e quali siano i tempi previsti."],
    "pratica_sospesa": ["Si chiede di conoscere i motivi della sospensione e i documenti da integrare.",
                        "Si chiede perché la pratica sia ferma e come sbloccarla."],
    "parere": ["Si chiede un parere sul caso, che presenta elementi particolari.",
               "Si chiede come procedere in questo caso specifico."],
}

ANSWERS = {
    "questura": [
        "La Questura comunica che il permesso di soggiorno è in fase di stampa: l'interessato sarà convocato tramite SMS.",
        "La Questura comunica che la pratica è stata definita; il documento è disponibile per il ritiro presso l'Ufficio Immigrazione.",
        "La Questura comunica che occorre integrare la documentazione reddituale; l'interessato riceverà la convocazione.",
        "La Questura comunica che sono stati fissati i rilievi fotodattiloscopici: la data è indicata sul portale.",
    ],
    "prefettura": [
        "La Prefettura comunica che il nulla osta è stato rilasciato e trasmesso alla rappresentanza diplomatica.",
        "La Prefettura comunica che la domanda è in istruttoria e che è stato chiesto il parere della Questura.",
        "La Prefettura comunica che è necessario integrare la documentazione tramite il portale ALI.",
        "La Prefettura comunica che il decreto è stato firmato e che la cerimonia di giuramento sarà fissata dal Comune.",
        "La Prefettura comunica che la convocazione per la firma del contratto di soggiorno è stata inviata.",
    ],
}
REFUSALS = ["La risposta pubblicata non riporta la data di convocazione corretta.",
            "La risposta va riformulata: la pratica è di competenza di un altro ufficio.",
            "Manca l'indicazione dei documenti da integrare."]
REOPENINGS = ["Il cittadino non ha ancora ricevuto la convocazione annunciata.",
              "La situazione non è cambiata dopo la risposta: la pratica risulta ancora ferma.",
              "Il documento ritirato contiene un errore nei dati anagrafici."]
NOTES = ["Sollecitato per telefono l'ufficio competente.",
         "Caso simile a una segnalazione già trattata: verificare la risposta standard.",
         "Il datore di lavoro ha inviato ulteriore documentazione via PEC.",
         "Concordato con il referente di attendere l'esito dei controlli."]

NATIONAL_HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8),
                     (12, 25), (12, 26)}


def easter_sunday(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or (day.month, day.day) in NATIONAL_HOLIDAYS:
        return False
    return day != easter_sunday(day.year) + dt.timedelta(days=1)


def add_business_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


def local_date(ts: int) -> dt.date:
    return dt.datetime.fromtimestamp(ts, ROME).date()


def at_local(day: dt.date, hour: int, minute: int) -> int:
    return int(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME).timestamp())


def office_hours(rng: random.Random, ts: int) -> int:
    """`ts` moved into the next working hours (8:30 to 17:30 of a business day)."""
    moment = dt.datetime.fromtimestamp(ts, ROME)
    day, minutes = moment.date(), moment.hour * 60 + moment.minute
    if is_business_day(day) and 8 * 60 + 30 <= minutes <= 17 * 60 + 30:
        return ts
    if minutes > 17 * 60 + 30 or not is_business_day(day):
        day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    start = 8 * 60 + 30 + rng.randint(0, 150)
    return at_local(day, start // 60, start % 60)


def later(rng: random.Random, ts: int, median_hours: float) -> int:
    """A moment after `ts`, about `median_hours` later (log-normal), in working hours."""
    hours = rng.lognormvariate(0, 0.8) * median_hours
    return office_hours(rng, ts + int(hours * 3600) + rng.randint(60, 900))


TAX_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
           24, 23]


def tax_code(rng: random.Random, birth: dt.date) -> str:
    """A well-formed Italian fiscal code (check letter included) for an invented person."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    months = "ABCDEHLMPRST"
    body = "".join(rng.choice("BCDFGHLMNPRSTVZ") for _ in range(6))
    day = birth.day + (40 if rng.random() < 0.5 else 0)
    body += f"{birth.year % 100:02d}{months[birth.month - 1]}{day:02d}Z{rng.randint(100, 399)}"
    total = 0
    for index, char in enumerate(body):
        value = int(char) if char.isdigit() else letters.index(char)
        total += TAX_ODD[value] if index % 2 == 0 else value
    return body + letters[total % 26]


def file_reference(rng: random.Random, file_kind: str, year: int) -> str | None:
    if rng.random() < 0.25:
        return None
    number = rng.randint(1, 99999)
    return {
        "permesso_soggiorno": f"CN{year % 100:02d}{number:07d}",
        "ricongiungimento": f"P-CN/L/N/{year}/{number}",
        "cittadinanza": f"K10/{number}",
        "nulla_osta_lavoro": f"P-CN/LS/{year}/{number}",
    }.get(file_kind, f"CN/{year}/{number}")


def description(rng: random.Random, file_kind: str, kind: str, filed: int) -> str:
    many = rng.random() < 0.3
    subject = rng.choice(SUBJECT_MANY if many else SUBJECT_ONE)
    verb = rng.choice(FILE_TEXTS[file_kind])[1 if many else 0]
    verb = verb.format(reason=rng.choice(REASONS))
    since = rng.choice(SINCE).format(
        n=rng.randint(2, 14),
        date=(local_date(filed) - dt.timedelta(days=rng.randint(60, 400))).strftime("%d/%m/%Y"),
    )
    text = f"{subject} {verb} {since} {rng.choice(PROBLEMS)}. {rng.choice(ASKS[kind])}"
    if many and "Il nucleo" in subject:
        text = text.replace(" hanno ", " ha ").replace(" attendono ", " attende ").replace(
            " chiedono ", " chiede ")
    return text


class Network:
    """Organisations and users: ids by role, and the offices' weights."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, now: int) -> None:
        self.conn, self.rng, self.now = conn, rng, now
        self.filers: list[tuple[int, list[int]]] = []  # (organisation, its users)
        self.weights: list[float] = []
        self.by_role: dict[str, list[int]] = {}
        builtin = {}
        for slug, name, kind in [("coordinamento", "Coordinamento della rete", "coordination"),
                                 ("questura", "Questura", "questura"),
                                 ("prefettura", "Prefettura", "prefettura")]:
            builtin[kind] = self.organisation(slug, name + MARK, kind, None, None, "builtin")
        self.users(builtin["coordination"], "coordinamento", 4)
        self.users(builtin["coordination"], "interfaccia", 2)
        self.users(builtin["coordination"], "admin", 1)
        self.users(builtin["questura"], "questura", 3)
        self.users(builtin["prefettura"], "prefettura", 3)
        for area, residents, towns in AREAS:
            for town in towns:
                slug = "esempio/sportello-" + town.lower().replace(" ", "-").replace("ì", "i")
                org = self.organisation(slug, f"Sportello immigrati di {town}{MARK}", "office",
                                        None, area, "manual", owner=f"Comune di {town}")
                self.filers.append((org, self.users(org, "sportello", 3)))
                self.weights.append(residents / len(towns))
            for service_kind, pattern in SERVICE_KINDS:
                town = towns[0]
                name = pattern.format(town=town) + MARK
                slug = "esempio/" + name.lower().replace(" ", "-")[:60]
                org = self.organisation(slug, name, "service", service_kind, area, "manual")
                self.filers.append((org, self.users(org, "servizio", 1)))
                self.weights.append(residents * 0.04)

    def organisation(self, slug, name, kind, service_kind, area, source, owner=None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO organisations (slug, name, kind, service_kind, owner, area, source,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, name, kind, service_kind, owner, area, source, self.now))
        return cursor.lastrowid

    def users(self, organisation: int, role: str, count: int) -> list[int]:
        ids = []
        for _ in range(count):
            number = sum(len(v) for v in self.by_role.values()) + 1
            given, family = self.rng.choice(GIVEN[::3]), self.rng.choice(FAMILY[::3])
            cursor = self.conn.execute(
                "INSERT INTO users (username, display_name, email, role, organisation_id,"
                " password_hash, created_at, password_changed_at)"
                " VALUES (?, ?, ?, ?, ?, '!', ?, ?)",
                (f"esempio.{role}.{number}", f"Operatore {given} {family}{MARK}",
                 f"esempio.{number}@example.invalid", role, organisation, self.now, self.now))
            ids.append(cursor.lastrowid)
            self.by_role.setdefault(role, []).append(cursor.lastrowid)
        return ids

    def pick(self, role: str) -> int:
        return self.rng.choice(self.by_role[role])


class Report:
    """One report's row, walked through the state machine until `until`."""

    def __init__(self, seeder: "Seeder", filed: int) -> None:
        rng = seeder.rng
        self.seeder, self.rng = seeder, rng
        org, users = rng.choices(seeder.net.filers, weights=seeder.net.weights)[0]
        self.organisation, self.filed_by, self.colleagues = org, rng.choice(users), users
        self.file_kind = rng.choices(list(FILE_TEXTS), weights=[45, 18, 17, 12, 8])[0]
        self.kind = rng.choices(list(ASKS), weights=[55, 30, 15])[0]
        self.office = OFFICE_OF_FILE.get(self.file_kind) or rng.choice(list(INSTITUTION))
        self.institution = INSTITUTION[self.office]
        self.urgency, days, _ = rng.choices(URGENCY, weights=[u[2] for u in URGENCY])[0]
        self.days = days
        self.created = self.updated = filed
        self.state = "nuova"
        self.due = add_business_days(local_date(filed), days)
        self.waiting_since = None
        self.waited = 0
        self.reopens = 0
        self.topic = None
        self.events: list[tuple] = []
        self.answers: list[tuple] = []
        self.notes: list[tuple] = []
        self.event(filed, self.filed_by, "inviata", None, "nuova")

    def event(self, at, user, action, from_state, to_state, comment=""):
        self.events.append((at, user, action, from_state, to_state, comment))
        self.updated = at

    def step(self, at, user, action, to_state, comment=""):
        if self.state == "in_attesa_di_risposta" and self.waiting_since is not None:
            paused = business_days_between(local_date(self.waiting_since), local_date(at))
            self.waited += max(at - self.waiting_since, 0)
            self.due = add_business_days(self.due, paused)
            self.waiting_since = None
        if to_state == "in_attesa_di_risposta":
            self.waiting_since = at
        if to_state == "riaperta":
            self.due = add_business_days(local_date(at), self.days)
            self.reopens += 1
        self.event(at, user, action, self.state, to_state, comment)
        self.state = to_state

    def walk(self, until: int) -> None:
        """Moves the report on, one step at a time, while the next step falls before `until`."""
        rng, net = self.rng, self.seeder.net
        urgent = self.urgency == "U1"
        t = self.created
        while True:
            t = later(rng, t, 3 if urgent else 20)
            if t >= until:
                return
            coordinator = net.pick("coordinamento")
            self.step(t, coordinator, "prendi_in_carico", "presa_in_carico")
            if self.topic is None and rng.random() < 0.92:
                t += rng.randint(60, 600)
                self.topic = self.seeder.topic_for(self.file_kind)
                self.event(t, coordinator, "argomento", None, None, self.seeder.topic_names[self.topic])
            if rng.random() < 0.2:
                t += rng.randint(60, 3600)
                self.notes.append((t, coordinator, rng.choice(NOTES)))
            t = self.answer(t, until)
            if t is None:
                return
            t = self.after_answer(t, until)
            if t is None:
                return

    def answer(self, t: int, until: int) -> int | None:
        """From presa_in_carico to risposta_pubblicata: a standard answer, or a batch handed to
        the institution and its answer brought back. None when `until` comes first."""
        rng, net = self.rng, self.seeder.net
        standard = self.seeder.standard_answers.get(self.topic)
        if standard and rng.random() < 0.15:
            return self.answer_directly(t, until)
        batch_day = local_date(t)
        if dt.datetime.fromtimestamp(t, ROME).hour >= 10:
            batch_day += dt.timedelta(days=1)
        while not is_business_day(batch_day):
            batch_day += dt.timedelta(days=1)
        batch, created, forwarded = self.seeder.batch(batch_day)
        if created >= until:
            return None
        if (batch, self.seeder.next_id) in self.seeder.batch_reports:
            # Answered, reopened and taken in charge again before the same day's batch: the
            # coordination publishes a standard answer instead of printing it twice.
            return self.answer_directly(t, until)
        self.step(created, net.pick("coordinamento"), "inserisci_nel_lotto", "inoltrata")
        self.seeder.batch_reports.add((batch, self.seeder.next_id))
        if forwarded >= until:
            return None
        self.seeder.forward(batch, forwarded)
        self.step(forwarded, self.seeder.liaison_of(batch), "segna_consegnata", "in_attesa_di_risposta")
        days = 6 if self.institution == "questura" else 11
        t = later(rng, forwarded, days * 24 * (0.4 if self.urgency == "U1" else 1))
        if t >= until:
            return None
        liaison = net.pick("interfaccia")
        text = rng.choice(ANSWERS[self.institution])
        self.step(t, liaison, "registra_risposta", "risposta_ricevuta")
        self.answers.append((t, liaison, "ricevuta", text))
        t = later(rng, t, 8)
        if t >= until:
            return None
        self.publish(t, text)
        return t

    def answer_directly(self, t: int, until: int) -> int | None:
        """The coordination publishes the topic's standard answer (or its own) itself."""
        t = later(self.rng, t, 6)
        if t >= until:
            return None
        text = self.seeder.standard_answers.get(self.topic) or self.rng.choice(
            ANSWERS[self.institution])
        self.publish(t, text)
        return t

    def publish(self, t: int, text: str) -> None:
        coordinator = self.seeder.net.pick("coordinamento")
        self.step(t, coordinator, "pubblica_risposta", "risposta_pubblicata")
        self.answers.append((t, coordinator, "pubblicata", text))

    def after_answer(self, t: int, until: int) -> int | None:
        """Validation or refusal, then closing or reopening; returns the time the report went
        back to the coordination (to walk again), or None when it rests or `until` comes."""
        rng, net = self.rng, self.seeder.net
        while True:
            t = later(rng, t, 40)
            if t >= until:
                return None
            if rng.random() < 0.03 and self.reopens < 2:
                self.step(t, self.filer(), "riapri", "riaperta", rng.choice(REOPENINGS))
                return t
            referent = net.pick(self.institution)
            if rng.random() < 0.1:
                self.step(t, referent, "rifiuta_validazione", "presa_in_carico", rng.choice(REFUSALS))
                t = later(rng, t, 10)
                if t >= until:
                    return None
                self.publish(t, rng.choice(ANSWERS[self.institution]) + " (risposta corretta)")
                continue
            self.step(t, referent, "valida", "validata")
            break
        t = later(rng, t, 90)
        if t >= until or rng.random() < 0.12:
            return None
        if rng.random() < 0.07 and self.reopens < 2:
            self.step(t, self.filer(), "riapri", "riaperta", rng.choice(REOPENINGS))
            return t
        closer = self.filer() if rng.random() < 0.7 else net.pick("coordinamento")
        self.step(t, closer, "chiudi", "chiusa")
        t = later(rng, t, 24 * 60)
        if t < until and rng.random() < 0.04 and self.reopens < 2:
            self.step(t, self.filer(), "riapri", "riaperta", rng.choice(REOPENINGS))
            return t
        return None

    def filer(self) -> int:
        """Who acts for the office: usually who filed the report, sometimes a colleague."""
        return self.filed_by if self.rng.random() < 0.8 else self.rng.choice(self.colleagues)


class Seeder:
    def __init__(self, conn: sqlite3.Connection, rng: random.Random, until: int) -> None:
        self.conn, self.rng, self.until = conn, rng, until
        self.net = Network(conn, rng, until)
        for name in TOPICS_ADDED:
            conn.execute("INSERT INTO topics (name) VALUES (?)", (name,))
        rows = conn.execute("SELECT id, name, standard_answer FROM topics").fetchall()
        self.topic_names = {row[0]: row[1] for row in rows}
        self.topic_ids = {row[1]: row[0] for row in rows}
        self.standard_answers = {row[0]: row[2] for row in rows if row[2]}
        self.batches: dict[dt.date, tuple[int, int, int]] = {}
        self.batch_rows: dict[int, list] = {}
        self.batch_reports: set[tuple[int, int]] = set()
        self.next_id = 1

    def topic_for(self, file_kind: str) -> int:
        if self.rng.random() < 0.08:
            return self.rng.choice(list(self.topic_names))
        return self.topic_ids[TOPIC_OF_FILE[file_kind]]

    def batch(self, day: dt.date) -> tuple[int, int, int]:
        """The batch printed on `day`: (id, created at, handed over at)."""
        if day not in self.batches:
            created = at_local(day, 10, self.rng.randint(0, 50))
            forwarded_day = add_business_days(day, 1)
            forwarded = at_local(forwarded_day, 9, self.rng.randint(0, 50))
            batch_id = len(self.batches) + 1
            self.batches[day] = (batch_id, created, forwarded)
            self.batch_rows[batch_id] = [batch_id, self.net.pick("coordinamento"), created,
                                         None, None]
        return self.batches[day]

    def forward(self, batch: int, at: int) -> None:
        row = self.batch_rows[batch]
        if row[3] is None:
            row[3], row[4] = self.liaison_of(batch), at

    def liaison_of(self, batch: int) -> int:
        liaisons = self.net.by_role["interfaccia"]
        return liaisons[batch % len(liaisons)]

    def filing_times(self, count: int) -> list[int]:
        """`count` filing moments over the two years before `until`, growing over time, fewer
        in August and at Christmas, in working hours."""
        start = self.until - 730 * 86400
        times = []
        while len(times) < count:
            ts = start + int(self.rng.random() * 730 * 86400)
            day = local_date(ts)
            growth = 0.6 + 0.4 * (ts - start) / (730 * 86400)
            season = 0.45 if day.month == 8 else 0.7 if day.month == 12 else 1.0
            if not is_business_day(day) or self.rng.random() > growth * season:
                continue
            minute = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
            times.append(at_local(day, minute // 60, minute % 60))
        times.sort()
        return times

    def run(self, count: int) -> None:
        sequences: dict[int, int] = {}
        reports, events, answers, notes = [], [], [], []
        for index, filed in enumerate(self.filing_times(count)):
            self.next_id = index + 1
            report = Report(self, filed)
            report.walk(self.until)
            year = local_date(filed).year
            sequences[year] = sequences.get(year, 0) + 1
            reports.append(self.row(report, year, sequences[year]))
            events.extend((self.next_id, *event) for event in report.events)
            answers.extend((self.next_id, a[2], a[1], a[0], a[3]) for a in report.answers)
            notes.extend((self.next_id, n[1], n[0], n[2]) for n in report.notes)
            if (index + 1) % 10000 == 0:
                print(f"  {index + 1} segnalazioni generate", file=sys.stderr)
        self.conn.executemany(
            "INSERT INTO reports (id, year, sequence, protocol, organisation_id, filed_by, kind,"
            " addressed_office, institution, file_kind, file_reference, citizen_family_name,"
            " citizen_given_name, citizen_birth_date, citizen_tax_code, description, urgency,"
            " urgency_reason, state, topic_id, due_date, waiting_since, waited_secs, reopen_count,"
            " submission_key, created_at, updated_at, similar_shown)"
            " VALUES (" + ", ".join("?" * 28) + ")", reports)
        self.conn.executemany(
            "INSERT INTO report_events (report_id, at, user_id, action, from_state, to_state,"
            " comment) VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        self.conn.executemany(
            "INSERT INTO answers (report_id, stage, user_id, at, body) VALUES (?, ?, ?, ?, ?)",
            answers)
        self.conn.executemany(
            "INSERT INTO internal_notes (report_id, user_id, at, body) VALUES (?, ?, ?, ?)", notes)
        self.conn.executemany(
            "INSERT INTO batches (id, created_by, created_at, forwarded_by, forwarded_at)"
            " VALUES (?, ?, ?, ?, ?)", list(self.batch_rows.values()))
        self.conn.executemany("INSERT INTO batch_reports (batch_id, report_id) VALUES (?, ?)",
                              sorted(self.batch_reports))
        print(f"  {len(events)} eventi, {len(answers)} risposte, {len(notes)} note,"
              f" {len(self.batch_rows)} lotti", file=sys.stderr)

    def row(self, report: Report, year: int, sequence: int) -> tuple:
        rng = self.rng
        birth = dt.date(rng.randint(1955, 2007), rng.randint(1, 12), rng.randint(1, 28))
        has_birth = rng.random() < 0.7
        return (
            self.next_id, year, sequence, f"RESPI-{year}-{sequence:06d}", report.organisation,
            report.filed_by, report.kind, report.office, report.institution, report.file_kind,
            file_reference(rng, report.file_kind, year), rng.choice(FAMILY), rng.choice(GIVEN),
            birth.isoformat() if has_birth else None,
            tax_code(rng, birth) if has_birth and rng.random() < 0.8 else None,
            description(rng, report.file_kind, report.kind, report.created), report.urgency,
            rng.choice(URGENCY_REASONS[report.urgency]), report.state, report.topic,
            report.due.isoformat(), report.waiting_since, report.waited, report.reopens,
            f"esempio-{self.next_id}", report.created, report.updated,
            self.similar_shown(report.created),
        )

    def similar_shown(self, filed: int) -> int | None:
        """Whether the form's "similar questions" step showed a suggestion: for the reports of
        the last 120 days, as if the step had existed since then; None before."""
        if filed < self.until - 120 * 86400:
            return None
        return 1 if self.rng.random() < 0.38 else 0


def create_schema(conn: sqlite3.Connection) -> None:
    """Runs the service's migrations in order and records their number as rusqlite_migration
    does, in `user_version`."""
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    for file in files:
        conn.executescript(file.read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA user_version = {len(files)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the database file to create")
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-12-01",
                        help="the reports cover the two years before this day (YYYY-MM-DD)")
    args = parser.parse_args()
    if args.db.exists():
        print(f"errore: {args.db} esiste già; scegli un file nuovo", file=sys.stderr)
        return 1
    until_day = dt.date.fromisoformat(args.until)
    until = at_local(until_day, 0, 0)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    create_schema(conn)
    conn.execute("BEGIN")
    seeder = Seeder(conn, random.Random(args.seed), until)
    seeder.run(args.reports)
    conn.execute("COMMIT")
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        print(f"errore: riferimenti mancanti {problems[:5]}", file=sys.stderr)
        return 1
    counts = conn.execute("SELECT state, COUNT(*) FROM reports GROUP BY state ORDER BY 2 DESC")
    print(f"{args.db}: {args.reports} segnalazioni di esempio fino al {args.until}")
    for state, count in counts:
        print(f"  {state:<24} {count}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
