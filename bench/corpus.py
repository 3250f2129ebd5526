#!/usr/bin/env python3
"""Generates a benchmark corpus: the same site of N pages for respi and for Hugo.

    python3 bench/corpus.py --pages 1000 --out DIR

writes

    DIR/respi/        site.toml, content/, themes/respi/ (a copy of the portal's theme)
    DIR/hugo/         hugo.toml, content/, themes/respi-bench/ (a copy of bench/hugo-theme/)
    DIR/manifest.json every generated page: its file, title, URL and section

The content follows the portal's content contract (README, "How editors work"), so that
`respi build` accepts it without errors: unique titles of at most 70 characters, a
description and `updated:` on every page, only known front-matter keys, the four required
pages, captioned tables with headers, links written as relative `.md` paths that all resolve,
`##` headings only (no skipped levels), descriptive link texts, and short sentences so that
the readability check (Gulpease) passes.

The Hugo copy has the same files, the same front matter and the same bodies; only the internal
links differ, written as `{{< ref >}}` shortcodes so that Hugo resolves and checks them as respi
does.

Everything is drawn from a seeded random generator, one stream per page, so a corpus depends
only on --pages and --seed: the build benchmark compares like with like across runs and
machines, and the edit benchmark can find the same pages again through manifest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import posixpath
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# Marks a folder written by this script, so that it may be replaced without asking.
MARKER = ".bench-corpus"

# ---------------------------------------------------------------------------------------------
# Word lists. Public-service Italian, in short words and short sentences, as the portal's
# readability rule (C14) asks of real pages. Colours and on-screen positions are left out on
# purpose: the sensory-language rule (C13) would warn about them on every page.
# ---------------------------------------------------------------------------------------------

COMUNI = [
    "Cuneo", "Alba", "Bra", "Fossano", "Mondovì", "Saluzzo", "Savigliano", "Borgo San Dalmazzo",
    "Busca", "Racconigi", "Dronero", "Ceva", "Boves", "Cherasco", "Canale", "Bagnolo Piemonte",
    "Barge", "Caraglio", "Centallo", "Cervasca", "Peveragno", "Verzuolo", "Villanova Mondovì",
    "Sommariva del Bosco", "Revello", "Moretta", "Costigliole Saluzzo", "Cavallermaggiore",
    "Carrù", "Dogliani", "Narzole", "Garessio", "Limone Piemonte", "Vernante", "Robilante",
    "Roccavione", "Chiusa di Pesio", "Beinette", "Morozzo", "Trinità", "Bene Vagienna",
    "Sant'Albano Stura", "Genola", "Marene", "Cervere", "Sommariva Perno", "Montà", "Govone",
    "Santo Stefano Belbo", "Cortemilia", "Diano d'Alba", "Guarene", "Monticello d'Alba", "Neive",
    "Barbaresco", "La Morra", "Monforte d'Alba", "Paesana", "Sanfront", "Envie", "Manta",
    "Piasco", "Venasca", "Lagnasco", "Scarnafigi", "Villafalletto", "Tarantasca", "Bernezzo",
    "Vignolo", "Valdieri", "Entracque", "Demonte", "Vinadio", "Sampeyre", "Frabosa Sottana",
    "Vicoforte", "Niella Tanaro", "Lesegno", "Bagnasco", "Priero", "Murazzano", "Monesiglio",
    "Saliceto", "Castagnito", "Magliano Alfieri", "Priocca", "Vezza d'Alba", "Corneliano d'Alba",
    "Piobesi d'Alba", "Roddi", "Verduno", "Pocapaglia", "Sanfrè", "Ceresole Alba", "Caramagna",
    "Casalgrasso", "Faule", "Polonghera", "Murello", "Ruffia", "Villanova Solaro", "Monasterolo",
]

SOGGETTI = [
    "Lo sportello", "L'ufficio", "La Questura", "La Prefettura", "Il Comune",
    "Il cittadino straniero", "La persona interessata", "Chi fa la domanda",
    "Il datore di lavoro", "L'operatore", "Il mediatore culturale", "Il centro per l'impiego",
    "Il consultorio", "La scuola", "L'azienda sanitaria", "Il patronato", "L'assistente sociale",
    "Lo studente", "Il familiare", "La rete degli sportelli", "Il servizio", "Ogni richiedente",
    "Il titolare del permesso", "La lavoratrice", "Il medico di base", "L'anagrafe",
    "Il consolato", "Il tutore", "Il genitore", "La cooperativa", "Il sindacato",
    "L'insegnante", "La famiglia", "Il richiedente asilo", "La badante", "Il lavoratore",
]

VERBI = [
    "riceve", "controlla", "presenta", "chiede", "invia", "prepara", "consegna", "firma",
    "legge", "rinnova", "paga", "compila", "spiega", "verifica", "registra", "rilascia",
    "conserva", "stampa", "aggiorna", "segnala", "porta", "mostra", "prenota", "ritira",
    "traduce", "allega", "trasmette", "valuta", "indica", "scarica", "corregge", "archivia",
]

OGGETTI = [
    "la domanda", "il modulo", "il passaporto", "la ricevuta", "il permesso di soggiorno",
    "la carta d'identità", "il codice fiscale", "i documenti", "la fotografia",
    "il contratto di lavoro", "la busta paga", "il certificato di residenza",
    "la tessera sanitaria", "il kit postale", "la marca da bollo", "il visto", "l'attestato",
    "la dichiarazione", "il nulla osta", "la copia del contratto", "il certificato medico",
    "la pagella", "l'iscrizione", "la prenotazione", "la richiesta", "la pratica",
    "l'appuntamento", "la delega", "l'idoneità alloggiativa", "l'atto di nascita",
    "il certificato di matrimonio", "la patente", "il titolo di studio", "le impronte",
    "il contratto di affitto", "la denuncia", "il libretto", "il piano di studi",
    "la carta di soggiorno", "il passaporto del figlio", "le ricevute", "gli allegati",
]

# Attached to an object for variety ("il permesso di soggiorno per motivi di lavoro").
QUALIFICHE = [
    "per motivi di lavoro", "per motivi familiari", "per studio", "per cure mediche",
    "per attesa occupazione", "di lungo periodo", "di prima richiesta", "in corso di validità",
    "del coniuge", "dei figli minori", "del datore di lavoro", "già scaduto", "in originale",
    "in copia", "con la traduzione", "rilasciato all'estero",
]

COMPLEMENTI = [
    "entro trenta giorni", "allo sportello", "in Questura", "con l'aiuto di un mediatore",
    "prima della scadenza", "su appuntamento", "il martedì mattina",
    "presso il Comune di residenza", "in due copie", "senza costi", "online", "per posta",
    "in pochi minuti", "ogni anno", "dopo il controllo", "al primo incontro",
    "nello stesso giorno", "entro sessanta giorni", "con la firma", "in lingua italiana",
    "a {comune}", "presso l'ufficio di {comune}", "entro il {data}", "dal {data}",
    "per {n} giorni", "con una spesa di {n} euro", "alla Posta", "in Prefettura",
    "con il patronato", "di persona", "nei giorni feriali", "entro la fine del mese",
]

APERTURE = [
    "Di solito", "In alcuni casi", "Poi", "Se serve,", "Per prima cosa", "Dopo la domanda",
    "In genere", "Quando possibile", "Ogni volta", "Spesso", "In ogni caso,", "Di norma",
    "Nella maggior parte dei casi", "Se la pratica è completa,",
]

SCOPI = [
    "il rinnovo", "la conversione", "l'iscrizione", "la prima richiesta", "il ricongiungimento",
    "la cittadinanza", "la residenza", "l'assunzione", "il cambio di indirizzo",
    "la visita medica", "l'iscrizione a scuola", "il contratto di affitto", "il duplicato",
    "l'esame di lingua", "il test di italiano", "la carta di soggiorno",
]

REQUISITI = [
    "un lavoro regolare", "una casa idonea", "un reddito minimo", "un figlio a scuola",
    "un permesso valido", "la residenza in provincia", "più di diciotto anni",
    "un contratto di affitto", "un titolo di studio", "un'offerta di lavoro",
    "una famiglia in Italia", "un medico di base",
]

MESI = [
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
    "settembre", "ottobre", "novembre", "dicembre",
]
GIORNI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì"]

# Plain ASCII on purpose: respi (slug crate) and Hugo (github-ascii) then give the same
# heading ids, and links to `#anchor`s can be written once for both sites.
TITOLETTI = [
    "Chi deve fare la domanda", "Documenti necessari", "Dove presentare la domanda",
    "Quanto costa", "Tempi di attesa", "Cosa succede dopo", "Contatti utili",
    "Normativa di riferimento", "Casi particolari", "Come prenotare un appuntamento",
    "Requisiti", "Per chi lavora", "Per gli studenti", "Per le famiglie",
    "Cosa portare allo sportello", "Come si paga", "Scadenze da ricordare", "Dopo il rilascio",
    "In caso di rifiuto", "Aiuti disponibili", "Orari e sedi", "Mediazione linguistica",
    "Rinnovo", "Prima richiesta", "Modulistica", "Esempi pratici", "Errori frequenti",
    "Domande ricorrenti", "Chi ti aiuta", "Cosa cambia",
]

AZIONI_TITOLO = [
    "Come rinnovare", "Come chiedere", "Dove presentare", "Quando scade", "Chi può ottenere",
    "Cosa serve per", "Tempi per", "Costi per", "Come ritirare", "Come aggiornare",
    "Come convertire", "Dove ritirare", "Come prenotare", "Come tradurre", "Come compilare",
    "Come pagare", "Guida per", "Regole per", "Novità per", "Aiuti per",
]

AMBITI_TITOLO = [
    "a {comune}", "per studenti", "per lavoratori stagionali", "per famiglie", "per minori",
    "nel {anno}", "in provincia", "con un mediatore", "per chi lavora", "per i neo maggiorenni",
    "per chi cambia casa", "per chi perde il lavoro", "per i rifugiati", "a {comune} e dintorni",
]

NOTIZIE_TITOLO = [
    "Nuovi orari dello sportello di {comune}",
    "Incontro pubblico a {comune} il {giorno} {mese}",
    "Corso di italiano a {comune} da {mese}",
    "Chiusura dello sportello di {comune} il {giorno} {mese}",
    "Giornata di consulenza legale a {comune}",
    "Aperte le iscrizioni ai corsi di {comune}",
    "Nuovo servizio di mediazione a {comune}",
    "Bando {anno} per {scopo} a {comune}",
    "Cambia la sede dello sportello di {comune}",
    "Sportello mobile a {comune} il {giorno} {mese}",
]

ASPETTI_SOTTOSEZIONE = [
    "Guide", "Moduli", "Normativa", "Casi pratici", "Approfondimenti", "Schede", "Procedure",
    "Scadenze",
]

# Topic sections: (folder, title). The first topics are used first; their number grows with N.
ARGOMENTI = [
    ("permesso-di-soggiorno", "Permesso di soggiorno"), ("cittadinanza", "Cittadinanza"),
    ("lavoro", "Lavoro"), ("salute", "Salute"), ("casa", "Casa"), ("scuola", "Scuola"),
    ("famiglia", "Famiglia"), ("lingua-italiana", "Lingua italiana"),
    ("documenti", "Documenti"), ("servizi-sociali", "Servizi sociali"),
    ("protezione", "Protezione internazionale"), ("ricongiungimento", "Ricongiungimento familiare"),
    ("formazione", "Formazione"), ("patente", "Patente di guida"),
    ("residenza", "Residenza e anagrafe"), ("tributi", "Tasse e tributi"),
    ("previdenza", "Previdenza"), ("trasporti", "Trasporti"), ("sport", "Sport"),
    ("cultura", "Cultura"), ("volontariato", "Volontariato"), ("impresa", "Fare impresa"),
    ("minori", "Minori stranieri"), ("tutela", "Tutela legale"),
    ("mediazione", "Mediazione culturale"), ("universita", "Università"),
    ("agricoltura", "Lavoro in agricoltura"), ("domestico", "Lavoro domestico"),
    ("accoglienza", "Accoglienza"),
]

TAGS = [
    "permesso di soggiorno", "rinnovo", "cittadinanza", "lavoro", "salute", "casa", "scuola",
    "famiglia", "ricongiungimento", "protezione internazionale", "asilo", "minori",
    "lingua italiana", "formazione", "patente", "residenza", "anagrafe", "codice fiscale",
    "tessera sanitaria", "pensione", "tasse", "contratto di lavoro", "lavoro stagionale",
    "lavoro domestico", "impresa", "studio", "università", "visto", "passaporto", "consolato",
    "mediazione", "servizi sociali", "sportello", "questura", "prefettura", "appuntamenti",
    "moduli", "scadenze", "diritti", "doveri", "tutela legale", "violenza di genere", "tratta",
    "rimpatrio volontario", "accoglienza", "volontariato", "sport", "cultura", "trasporti",
    "bonus", "agricoltura",
]

TABELLE = [
    ("Tempi e costi della procedura a {comune}", ["Fase", "Tempo", "Costo"]),
    ("Orari di apertura degli uffici", ["Comune", "Giorno", "Orario"]),
    ("Documenti e validità", ["Documento", "Chi lo rilascia", "Validità"]),
    ("Domande presentate allo sportello di {comune}", ["Anno", "Domande", "Pratiche concluse"]),
    ("Contatti degli uffici della zona di {comune}", ["Ufficio", "Telefono"]),
    ("Scadenze da ricordare nel {anno}", ["Scadenza", "Che cosa fare", "Dove"]),
]
FASI = ["Domanda", "Controllo", "Appuntamento", "Rilascio", "Ritiro", "Verifica", "Firma"]
ENTI = ["Questura", "Prefettura", "Comune", "Consolato", "Scuola", "Azienda sanitaria", "INPS"]

FIRST_DATE = dt.date(2019, 1, 1)
LAST_DATE = dt.date(2026, 6, 30)
LAST_UPDATE = dt.date(2026, 10, 31)

SITE_TOML = """\
title = "Rete di prova – Sportelli"
short_title = "Prova"
owner = "Provincia di Esempio"
description = "Sito di prova del generatore."
base_url = "https://example.org/respi/"
default_language = "it"
accessibility_statement_url = "https://form.agid.gov.it/view/11111111-2222-3333-4444-555555555555"
transparency_url = "https://example.org/trasparenza"
menu = [{menu}]

[contacts]
address = "Via Roma 1, 00100 Esempio"
phone = "+39 000 000000"
email = "info@example.org"
pec = "pec@example.org"
tax_code = "00000000000"

[[languages]]
code = "it"
name = "Italiano"

[[languages]]
code = "en"
name = "English"

[[languages]]
code = "ar"
name = "العربية"
dir = "rtl"

[feed]
section = "notizie"
limit = 10

[[areas]]
id = "nord"
name = "Area nord"
foreign_residents = 1000
"""

# The same site for Hugo. Pagination under /pagina/N/ as respi, tags as the only taxonomy,
# `updated:` as Hugo's last-modified date, heading ids in ASCII as respi's, robots.txt on.
# The site map, A–Z and search pages respi writes for every site are extra output formats of
# the home page, so Hugo renders the same set of pages.
HUGO_TOML = """\
baseURL = "https://example.org/respi/"
languageCode = "it"
defaultContentLanguage = "it"
title = "Rete di prova – Sportelli"
theme = "respi-bench"
paginatePath = "pagina"
buildFuture = true
enableRobotsTXT = true

[taxonomies]
  tag = "tags"

[frontmatter]
  lastmod = ["updated", ":default"]

[markup.goldmark.parser]
  autoHeadingIDType = "github-ascii"

[outputFormats.mappadelsito]
  mediaType = "text/html"
  baseName = "index"
  path = "mappa-del-sito"
  isHTML = true
[outputFormats.azindex]
  mediaType = "text/html"
  baseName = "index"
  path = "indice-a-z"
  isHTML = true
[outputFormats.ricerca]
  mediaType = "text/html"
  baseName = "index"
  path = "cerca"
  isHTML = true

[outputs]
  home = ["HTML", "RSS", "mappadelsito", "azindex", "ricerca"]

[params]
  shortTitle = "Prova"
  owner = "Provincia di Esempio"
  description = "Sito di prova del generatore."
  menu = [{menu}]
  accessibilityStatementURL = "https://form.agid.gov.it/view/11111111-2222-3333-4444-555555555555"
  transparencyURL = "https://example.org/trasparenza"
  tagPaginate = 20
  [params.contacts]
    address = "Via Roma 1, 00100 Esempio"
    phone = "+39 000 000000"
    email = "info@example.org"
    pec = "pec@example.org"
    taxCode = "00000000000"
"""

# ---------------------------------------------------------------------------------------------
# The site's structure
# ---------------------------------------------------------------------------------------------


@dataclass
class Section:
    dir: str  # content-relative folder, e.g. "lavoro" or "lavoro/guide"
    title: str
    description: str
    sort_by: str | None  # None: by weight (respi's default)
    paginate_by: int | None
    parent: str | None = None
    pages: list["PageSpec"] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return f"{self.dir}/_index.md"


@dataclass
class PageSpec:
    rel: str  # content-relative file, e.g. "lavoro/pagina-3.md"
    section: Section
    title: str
    description: str
    date: dt.date
    updated: dt.date
    tags: list[str]
    weight: int | None
    aliases: list[str]
    headings: list[str]
    seed: str


class Titles:
    """Titles are unique in the whole site, without regard to case, as respi requires."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, rng: random.Random, make) -> str:
        for _ in range(30):
            title = make(rng)
            if len(title) <= 70 and title.lower() not in self.used:
                self.used.add(title.lower())
                return title
        # Past 30 collisions the combinations are running out: number the title.
        base = make(rng)[:58].rstrip()
        n = 2
        while f"{base} (n. {n})".lower() in self.used:
            n += 1
        title = f"{base} (n. {n})"
        self.used.add(title.lower())
        return title


def fill(template: str, rng: random.Random) -> str:
    """Fills the {placeholders} of a phrase."""
    return template.format(
        comune=rng.choice(COMUNI),
        data=f"{rng.randint(1, 28)} {rng.choice(MESI)}",
        n=rng.choice([2, 5, 10, 15, 16, 20, 30, 40, 60, 90]),
        anno=rng.randint(2019, 2026),
        giorno=rng.randint(1, 28),
        mese=rng.choice(MESI),
        scopo=rng.choice(SCOPI),
    )


def capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


def lower_first(s: str) -> str:
    # Proper names and acronyms keep their capital: "La Questura" -> "la Questura".
    return s[:1].lower() + s[1:]


def random_date(rng: random.Random) -> dt.date:
    return FIRST_DATE + dt.timedelta(days=rng.randint(0, (LAST_DATE - FIRST_DATE).days))


def plan(pages: int, seed: int) -> tuple[list[Section], list[PageSpec]]:
    """Decides sections, titles, dates and tags of every page; bodies come later, once every
    page (and so every link target and its headings) is known."""
    rng = random.Random(f"{seed}-plan")
    titles = Titles()
    for reserved in ["Informativa privacy", "Note legali", "Contatti", "Accessibilità",
                     "Rete di prova"]:
        titles.used.add(reserved.lower())

    # About one page in ten is news; the rest spreads over topic sections. A topic gets
    # subsections when it would hold more than ~150 pages, as a real portal would split it.
    news = max(1, pages // 10)
    rest = pages - news
    topics = min(len(ARGOMENTI), max(4, round(rest / 120)))
    per_topic = rest / topics
    sections: list[Section] = []
    leaves: list[tuple[Section, int]] = []

    notizie = Section("notizie", "Notizie", "Le novità della rete degli sportelli", "date", 10)
    sections.append(notizie)
    titles.used.add("notizie")
    leaves.append((notizie, news))

    assigned = 0
    for t in range(topics):
        folder, name = ARGOMENTI[t]
        count = round(per_topic * (t + 1)) - assigned
        assigned += count
        titles.used.add(name.lower())
        # A third of the sections each: by date with 20 a page, by title with 10 a page,
        # by weight on a single page. Sections of every kind exist at every size.
        sort_by, paginate_by = [("date", 20), ("title", 10), (None, None)][t % 3]
        topic = Section(folder, name, f"Informazioni e servizi: {name.lower()}", sort_by,
                        paginate_by)
        sections.append(topic)
        subs = count // 150
        if subs < 2:
            leaves.append((topic, count))
            continue
        subs = min(subs, len(ASPETTI_SOTTOSEZIONE))
        # A few pages stay in the topic itself, beside its subsections.
        direct = min(10, count // 20)
        leaves.append((topic, direct))
        remaining = count - direct
        for s in range(subs):
            aspect = ASPETTI_SOTTOSEZIONE[s]
            n = remaining // subs + (1 if s < remaining % subs else 0)
            sort_by, paginate_by = [("title", 20), (None, None), ("date", 10)][(t + s) % 3]
            title = f"{aspect} – {name}"
            titles.used.add(title.lower())
            sub = Section(f"{folder}/{slugify(aspect)}", title,
                          f"{aspect} sul tema {name.lower()}", sort_by, paginate_by,
                          parent=folder)
            topic.subsections.append(sub)
            leaves.append((sub, n))

    tag_weights = [1 / (i + 1) ** 0.8 for i in range(len(TAGS))]
    all_pages: list[PageSpec] = []
    for section, count in leaves:
        for k in range(1, count + 1):
            prng = random.Random(f"{seed}-meta-{section.dir}-{k}")
            if section.dir == "notizie":
                title = titles.take(prng, lambda r: fill(r.choice(NOTIZIE_TITOLO), r))
            else:
                title = titles.take(prng, make_topic_title)
            date = random_date(prng)
            updated = min(date + dt.timedelta(days=prng.choice([0, 0, 1, 7, 30, 120, 400])),
                          LAST_UPDATE)
            tags: list[str] = []
            for _ in range(prng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
                tag = prng.choices(TAGS, weights=tag_weights)[0]
                if tag not in tags:
                    tags.append(tag)
            spec = PageSpec(
                rel=f"{section.dir}/pagina-{k}.md",
                section=section,
                title=title,
                description=make_description(prng),
                date=date,
                updated=updated,
                tags=tags,
                weight=k * 10 if section.sort_by is None else None,
                aliases=[f"/archivio/{section.dir.replace('/', '-')}-{k}/"]
                if prng.random() < 0.02 else [],
                headings=prng.sample(TITOLETTI, prng.randint(2, 5)),
                seed=f"{seed}-body-{section.dir}-{k}",
            )
            section.pages.append(spec)
            all_pages.append(spec)
    return sections, all_pages


def make_topic_title(rng: random.Random) -> str:
    obj = rng.choice(OGGETTI)
    action = rng.choice(AZIONI_TITOLO)
    if action.endswith(" per"):
        # "Cosa serve per il modulo" reads oddly: these actions take a purpose instead.
        obj = rng.choice(SCOPI)
    return capitalise(f"{action} {obj} {fill(rng.choice(AMBITI_TITOLO), rng)}")


def make_description(rng: random.Random) -> str:
    return capitalise(
        f"{rng.choice(['Chi deve chiedere', 'Come si ottiene', 'Dove si presenta', 'Quanto costa'])} "
        f"{rng.choice(OGGETTI)} {rng.choice(QUALIFICHE)}, con quali documenti e in quanto tempo"
    )


def slugify(text: str) -> str:
    """URL slug as respi (and Hugo's github-ascii ids) make it: ASCII, lower case, hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------------------------

# A link is written as this token while a body is generated, then rendered once as a relative
# `.md` path for respi and once as a `ref` shortcode for Hugo.
LINK = re.compile(r"\x00([^\x00#]+)(#[^\x00]*)?\x00")


def obj_phrase(rng: random.Random) -> str:
    obj = rng.choice(OGGETTI)
    if rng.random() < 0.3:
        obj += " " + rng.choice(QUALIFICHE)
    return obj


def sentence(rng: random.Random) -> str:
    """One sentence of 5 to ~20 words, most around 10: short, as plain-language guides ask."""
    kind = rng.random()
    if kind < 0.45:
        subj = rng.choice(SOGGETTI)
        words = f"{rng.choice(VERBI)} {obj_phrase(rng)}"
        if rng.random() < 0.7:
            words += " " + fill(rng.choice(COMPLEMENTI), rng)
        if rng.random() < 0.15:
            words += f" e {rng.choice(VERBI)} {rng.choice(OGGETTI)}"
        if rng.random() < 0.35:
            opening = rng.choice(APERTURE)
            return f"{opening} {lower_first(subj)} {words}."
        return f"{subj} {words}."
    if kind < 0.6:
        obj = obj_phrase(rng)
        verb = "servono" if obj.split()[0] in ("i", "gli", "le") else "serve"
        return f"Per {rng.choice(SCOPI)} {verb} {obj}."
    if kind < 0.72:
        return (f"Chi ha {rng.choice(REQUISITI)} può chiedere {rng.choice(SCOPI)} "
                f"{fill(rng.choice(COMPLEMENTI), rng)}.")
    if kind < 0.8:
        return (f"La pratica costa {rng.choice([16, 30, 40, 70, 100, 130])} euro "
                f"e dura circa {rng.choice([10, 20, 30, 60, 90])} giorni.")
    if kind < 0.88:
        return f"{rng.choice(SOGGETTI)} non {rng.choice(VERBI)} {rng.choice(OGGETTI)} {fill(rng.choice(COMPLEMENTI), rng)}."
    if kind < 0.94:
        return f"Lo sportello di {rng.choice(COMUNI)} è aperto il {rng.choice(GIORNI)} dalle {rng.randint(8, 10)} alle {rng.randint(12, 13)}."
    return f"Serve {rng.choice(OGGETTI)} {rng.choice(QUALIFICHE)}?"


def paragraph(rng: random.Random, links: list[tuple[str, str]]) -> str:
    sentences = [sentence(rng) for _ in range(rng.randint(2, 6))]
    # Links sit inside the prose, with the target's title as their text: descriptive on
    # their own (C5) and never the same text for two different targets.
    for target, text in links:
        lead = rng.choice(["Per saperne di più leggi", "Vedi anche", "Trovi i dettagli in",
                           "Leggi anche", "Puoi consultare"])
        sentences.insert(rng.randint(0, len(sentences)), f"{lead} [{text}]({target}).")
    for i, s in enumerate(sentences):
        # Never the first sentence: a paragraph all in bold reads as a fake heading (C4).
        if i > 0 and rng.random() < 0.05 and "[" not in s:
            sentences[i] = f"**{s}**" if rng.random() < 0.5 else f"*{s}*"
    return " ".join(sentences)


def bullet_list(rng: random.Random) -> str:
    items = rng.sample(OGGETTI, rng.randint(3, 6))
    marker = "1." if rng.random() < 0.3 else "-"
    lines = []
    for item in items:
        if rng.random() < 0.4:
            item += " " + rng.choice(QUALIFICHE)
        lines.append(f"{marker} {capitalise(item)}")
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    caption, headers = rng.choice(TABELLE)
    rows = []
    for _ in range(rng.randint(3, 8)):
        cells = []
        for h in headers:
            cells.append({
                "Fase": lambda: rng.choice(FASI),
                "Tempo": lambda: f"{rng.randint(1, 60)} giorni",
                "Costo": lambda: f"{rng.randint(0, 120)},{rng.randint(0, 99):02d} euro",
                "Comune": lambda: rng.choice(COMUNI),
                "Giorno": lambda: rng.choice(GIORNI),
                "Orario": lambda: f"{rng.randint(8, 10)}:00–{rng.randint(12, 13)}:30",
                "Documento": lambda: capitalise(rng.choice(OGGETTI)),
                "Chi lo rilascia": lambda: rng.choice(ENTI),
                "Validità": lambda: f"{rng.choice([1, 2, 5, 10])} anni",
                "Anno": lambda: str(rng.randint(2015, 2026)),
                "Domande": lambda: str(rng.randint(10, 3000)),
                "Pratiche concluse": lambda: str(rng.randint(5, 2500)),
                "Ufficio": lambda: f"{rng.choice(ENTI)} di {rng.choice(COMUNI)}",
                "Telefono": lambda: f"+39 0{rng.randint(100, 199)} {rng.randint(100000, 999999)}",
                "Scadenza": lambda: f"{rng.randint(1, 28)} {rng.choice(MESI)}",
                "Che cosa fare": lambda: capitalise(f"{rng.choice(VERBI)} {rng.choice(OGGETTI)}"),
                "Dove": lambda: rng.choice(ENTI),
            }[h]())
        rows.append(cells)
    out = [f"Table: {fill(caption, rng)}", "", "| " + " | ".join(headers) + " |",
           "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def link_token(target: str, anchor: str = "") -> str:
    return f"\x00{target}{anchor}\x00"


def body(spec: PageSpec, all_pages: list[PageSpec], sections: list[Section]) -> str:
    rng = random.Random(spec.seed)
    # 1 to 4 links to other pages, one in five to a heading of that page, sometimes one to a
    # section: link resolution and anchor checks are part of the work being measured.
    links: list[tuple[str, str]] = []
    for _ in range(rng.randint(1, 4)):
        other = all_pages[rng.randrange(len(all_pages))]
        if other is spec or any(t.startswith(f"\x00{other.rel}") for t, _ in links):
            continue
        anchor = f"#{slugify(rng.choice(other.headings))}" if rng.random() < 0.2 else ""
        links.append((link_token(other.rel, anchor), other.title))
    if rng.random() < 0.2:
        s = rng.choice(sections)
        links.append((link_token(s.rel), f"la sezione {s.title}"))
    rng.shuffle(links)

    blocks = [paragraph(rng, links[:1])]
    pending = links[1:]
    for i, heading in enumerate(spec.headings):
        blocks.append(f"## {heading}")
        for _ in range(rng.randint(1, 3)):
            take = pending[:1] if pending and rng.random() < 0.6 else []
            pending = pending[len(take):]
            blocks.append(paragraph(rng, take))
        r = rng.random()
        if r < 0.15:
            blocks.append(bullet_list(rng))
        elif r < 0.3 and i < 3:
            blocks.append(table(rng))
    if pending:
        blocks.append(paragraph(rng, pending))
    return "\n\n".join(blocks) + "\n"


def respi_links(text: str, from_rel: str) -> str:
    here = posixpath.dirname(from_rel)

    def relative(m: re.Match) -> str:
        return posixpath.relpath(m.group(1), here or ".") + (m.group(2) or "")

    return LINK.sub(relative, text)


def hugo_links(text: str) -> str:
    return LINK.sub(lambda m: f'{{{{< ref "/{m.group(1)}{m.group(2) or ""}" >}}}}', text)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(**keys) -> str:
    lines = ["---"]
    for key, value in keys.items():
        if value is None or value == []:
            continue
        if isinstance(value, list):
            value = "[" + ", ".join(yaml_str(v) for v in value) + "]"
        elif isinstance(value, str):
            value = yaml_str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def write_both(out: Path, rel: str, fm: str, text: str) -> None:
    for site, body_text in (("respi", respi_links(text, rel)), ("hugo", hugo_links(text))):
        path = out / site / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fm + "\n" + body_text, encoding="utf-8")


def prepare(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("respi", "hugo"):
        d = out / name
        if d.exists():
            if not (d / MARKER).exists():
                sys.exit(f"corpus.py: {d} exists and was not written by corpus.py; "
                         "choose another --out")
            shutil.rmtree(d)
        d.mkdir()
        (d / MARKER).write_text("written by bench/corpus.py; replaced on every run\n")


def generate(pages: int, out: Path, seed: int, theme: Path) -> dict:
    sections, all_pages = plan(pages, seed)
    every_section = [s for top in sections for s in [top, *top.subsections]]
    prepare(out)

    menu = ", ".join(f'"{s.dir}"' for s in sections)
    (out / "respi" / "site.toml").write_text(SITE_TOML.format(menu=menu), encoding="utf-8")
    (out / "hugo" / "hugo.toml").write_text(HUGO_TOML.format(menu=menu), encoding="utf-8")
    shutil.copytree(theme, out / "respi" / "themes" / "respi")
    shutil.copytree(BENCH_DIR / "hugo-theme", out / "hugo" / "themes" / "respi-bench")

    home_links = " ".join(f"[{s.title}]({link_token(s.rel)})" for s in sections)
    write_both(out, "_index.md",
               front_matter(title="Rete di prova", description="La home del sito di prova",
                            updated=LAST_UPDATE),
               f"Benvenuti nella rete degli sportelli. Le sezioni del sito: {home_links}.\n")
    for rel, title in [("privacy.md", "Informativa privacy"), ("note-legali.md", "Note legali"),
                       ("contatti.md", "Contatti"), ("accessibilita.md", "Accessibilità")]:
        rng = random.Random(f"{seed}-{rel}")
        write_both(out, rel,
                   front_matter(title=title, description=f"{title} del sito di prova",
                                updated=LAST_UPDATE),
                   "\n\n".join(paragraph(rng, []) for _ in range(3)) + "\n")
    for s in every_section:
        rng = random.Random(f"{seed}-section-{s.dir}")
        write_both(out, s.rel,
                   front_matter(title=s.title, description=s.description, updated=LAST_UPDATE,
                                sort_by=s.sort_by, paginate_by=s.paginate_by),
                   paragraph(rng, []) + "\n")
    for spec in all_pages:
        write_both(out, spec.rel,
                   front_matter(title=spec.title, description=spec.description, date=spec.date,
                                updated=spec.updated, tags=spec.tags, weight=spec.weight,
                                aliases=spec.aliases),
                   body(spec, all_pages, every_section))

    manifest = {
        "pages": pages,
        "seed": seed,
        "base_path": "/respi/",
        "sections": [{"dir": s.dir, "title": s.title, "pages": len(s.pages),
                      "sort_by": s.sort_by or "weight", "paginate_by": s.paginate_by}
                     for s in every_section],
        # Same URL on both sites: /<base path>/<folder>/<slug>/.
        "files": [{"file": p.rel, "title": p.title, "section": p.section.dir, "tags": p.tags,
                   "url": f"/respi/{p.rel.removesuffix('.md')}/"} for p in all_pages],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True, help="number of regular pages")
    ap.add_argument("--out", type=Path, required=True, help="folder for respi/, hugo/ and manifest.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--theme", type=Path, default=REPO_DIR / "themes" / "respi",
                    help="respi theme copied into the corpus (default: the portal's)")
    args = ap.parse_args()
    if args.pages < 10:
        ap.error("--pages must be at least 10")
    m = generate(args.pages, args.out, args.seed, args.theme)
    words = sum(len(p.read_text(encoding="utf-8").split())
                for p in (args.out / "respi" / "content").rglob("*.md"))
    print(f"corpus: {m['pages']} pages in {len(m['sections'])} sections, "
          f"{words} words, written to {args.out}/respi and {args.out}/hugo", file=sys.stderr)


if __name__ == "__main__":
    main()
