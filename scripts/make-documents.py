#!/usr/bin/env python3
"""Genera i PDF dei documenti dell'archivio ReSPI scritti per il portale.

I testi sono definiti in questo file; ogni documento va nella sua cartella
content/documenti/<slug>/<slug>.pdf, accanto alla pagina index.md che lo presenta.

I PDF sono accessibili (EN 301 549, clausola 10; PDF 1.7):
- con tag: /MarkInfo << /Marked true >>, un albero di struttura (/StructTreeRoot) con
  un elemento /Document i cui figli sono titoli (/H1, /H2), paragrafi (/P), elenchi
  (/L, /LI, /Lbl, /LBody) e tabelle (/Table, /TR, /TH, /TD), collegati alle sequenze
  marcate del contenuto delle pagine (BDC … EMC con /MCID) e una /ParentTree;
- lingua del documento nel catalogo (/Lang it-IT);
- titolo nel dizionario Info, mostrato dai lettori (/ViewerPreferences /DisplayDocTitle);
- segnalibri per i titoli, ordine di tabulazione secondo la struttura (/Tabs /S);
- piè di pagina marcati come artefatti, così i lettori di schermo li saltano.

Usa solo la libreria standard di Python 3 ed è deterministico: a parità di testi produce
gli stessi byte. I caratteri di Helvetica e Helvetica-Bold sono i font standard del PDF
(non incorporati), con codifica /WinAnsiEncoding: il testo deve stare in cp1252.

Uso:  python3 scripts/make-documents.py [--root CARTELLA]   (predefinita: la radice del repository)
"""

import argparse
import hashlib
import pathlib
import sys
import textwrap

# ---------------------------------------------------------------------------
# Impaginazione

PAGE_W, PAGE_H = 595, 842  # A4 in punti
MARGIN_L, MARGIN_R = 56, 56
TOP, BOTTOM = 786, 70
FOOTER_Y = 40

STYLES = {
    # font, corpo, interlinea, caratteri per riga, spazio prima, spazio dopo
    "h1": ("F2", 17, 21, 52, 0, 8),
    "h2": ("F2", 12.5, 16, 72, 12, 4),
    "p": ("F1", 10.5, 15, 90, 0, 6),
    "note": ("F2", 10.5, 15, 84, 0, 8),
    "li": ("F1", 10.5, 15, 86, 0, 2),
    "cell": ("F1", 9.5, 13, 0, 0, 0),
    "th": ("F2", 9.5, 13, 0, 0, 0),
}
INDENT_LIST = 16


def pdf_string(text):
    """Stringa letterale PDF in WinAnsiEncoding (cp1252), con ( ) \\ protetti."""
    raw = text.encode("cp1252")
    out = bytearray(b"(")
    for b in raw:
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        else:
            out.append(b)
    out += b")"
    return bytes(out)


def text_string(text):
    """Stringa di testo per Info e segnalibri: ASCII letterale, altrimenti UTF-16BE con BOM."""
    if all(32 <= ord(c) < 127 for c in text):
        return b"(" + text.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def wrap(text, width):
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


class Elem:
    """Un elemento di struttura: tipo, genitore, figli (elementi o contenuti marcati)."""

    def __init__(self, kind, parent, attrs=None):
        self.kind = kind
        self.parent = parent
        self.kids = []  # Elem oppure ("mcr", pagina, mcid)
        self.attrs = attrs
        self.num = None
        if parent is not None:
            parent.kids.append(self)


class Layout:
    def __init__(self, title):
        self.title = title
        self.pages = []  # liste di bytes: il contenuto di ogni pagina
        self.page_mcids = []  # per pagina: l'elemento di ogni MCID, in ordine
        self.root = Elem("Document", None)
        self.outline = []  # (livello, testo, pagina, y)
        self.new_page()

    def new_page(self):
        self.pages.append([])
        self.page_mcids.append([])
        self.y = TOP

    @property
    def page(self):
        return len(self.pages) - 1

    def ensure(self, height):
        if self.y - height < BOTTOM:
            self.new_page()

    def marked(self, elem, tag, ops):
        """Aggiunge alla pagina corrente una sequenza marcata che appartiene a `elem`."""
        mcid = len(self.page_mcids[self.page])
        self.page_mcids[self.page].append(elem)
        elem.kids.append(("mcr", self.page, mcid))
        self.pages[self.page].append(b"/%s <</MCID %d>> BDC\n" % (tag.encode(), mcid) + ops + b"EMC\n")

    def artifact(self, ops, page=None):
        page = self.page if page is None else page
        self.pages[page].append(b"/Artifact BMC\n" + ops + b"EMC\n")

    @staticmethod
    def text_ops(font, size, leading, x, y, lines):
        ops = b"BT\n/%s %s Tf\n%s TL\n%s %s Td\n" % (font.encode(), num(size), num(leading), num(x), num(y))
        for i, line in enumerate(lines):
            # Uno spazio alla fine di ogni riga spezzata: chi legge la struttura (lettori di
            # schermo, estrazione del testo) non unisce l'ultima parola alla prima della riga dopo.
            if i < len(lines) - 1:
                line += " "
            ops += (b"T* " if i else b"") + pdf_string(line) + b" Tj\n"
        return ops + b"ET\n"

    def lines_block(self, elem, tag, style, text, x=MARGIN_L, width=None):
        """Scrive un testo a capo automatico; se la pagina finisce, continua sulla successiva
        con una nuova sequenza marcata dello stesso elemento."""
        font, size, leading, chars, before, after = STYLES[style]
        lines = wrap(text, width or chars)
        self.y -= before
        self.ensure(leading)
        while lines:
            room = max(1, int((self.y - BOTTOM) // leading))
            chunk, lines = lines[:room], lines[room:]
            if lines:
                chunk[-1] += " "
            top = self.y - size
            self.marked(elem, tag, self.text_ops(font, size, leading, x, top, chunk))
            self.y -= leading * len(chunk)
            if lines:
                self.new_page()
        self.y -= after

    # Blocchi del documento ------------------------------------------------

    def h1(self, text):
        elem = Elem("H1", self.root)
        self.outline.append((1, text, self.page, self.y))
        self.lines_block(elem, "H1", "h1", text)
        self.artifact(b"0.55 0.0 0.2 RG 1.5 w %s %s m %s %s l S\n" % (num(MARGIN_L), num(self.y + 3), num(PAGE_W - MARGIN_R), num(self.y + 3)))
        self.y -= 8

    def h2(self, text):
        _, size, leading, _, before, _ = STYLES["h2"]
        # Un titolo non resta solo in fondo alla pagina.
        self.ensure(before + leading + 3 * STYLES["p"][2])
        elem = Elem("H2", self.root)
        self.outline.append((2, text, self.page, self.y - before))
        self.lines_block(elem, "H2", "h2", text)

    def p(self, text, style="p"):
        self.lines_block(Elem("P", self.root), "P", style, text)

    def ul(self, items, label="\u2022"):
        lst = Elem("L", self.root, attrs=b"<< /O /List /ListNumbering /%s >>" % (b"Disc" if label == "\u2022" else b"None"))
        for item in items:
            li = Elem("LI", lst)
            font, size, leading, chars, _, after = STYLES["li"]
            self.ensure(leading)
            lbl = Elem("Lbl", li)
            self.marked(lbl, "Lbl", self.text_ops(font, size, leading, MARGIN_L + 4, self.y - size, [label]))
            body = Elem("LBody", li)
            indent = INDENT_LIST if len(label) == 1 else 2 * INDENT_LIST
            self.lines_block(body, "LBody", "li", item, x=MARGIN_L + indent, width=chars - (0 if len(label) == 1 else 3))
        self.y -= STYLES["p"][5]

    def table(self, caption, header, rows, widths, numeric=()):
        """Tabella con intestazioni di colonna; le colonne `numeric` sono allineate a destra
        (in modo approssimato: senza metriche dei caratteri si allinea per numero di cifre)."""
        _, size, leading, _, _, _ = STYLES["cell"]
        # La tabella resta su una pagina, se ci sta; altrimenti almeno didascalia,
        # intestazione e tre righe insieme.
        whole = 2 * STYLES["note"][2] + (len(rows) + 1) * (leading + 3) + 10
        self.ensure(whole if whole < TOP - BOTTOM else 2 * leading + 4 * (leading + 3))
        tbl = Elem("Table", self.root)
        cap = Elem("Caption", tbl)
        self.lines_block(cap, "Caption", "note", caption)
        xs = [MARGIN_L]
        for w in widths[:-1]:
            xs.append(xs[-1] + w)
        right = MARGIN_L + sum(widths)

        def row(cells, header_row):
            self.ensure(leading + 4)
            tr = Elem("TR", tbl)
            base = self.y - size
            for i, cell in enumerate(cells):
                kind = "TH" if header_row else "TD"
                attrs = b"<< /O /Table /Scope /Column >>" if header_row else None
                el = Elem(kind, tr, attrs=attrs)
                font = "F2" if header_row else "F1"
                x = xs[i] + 4
                if i in numeric and not header_row:
                    # circa 5,3 punti per cifra in Helvetica 9,5
                    x = xs[i] + widths[i] - 6 - 5.3 * len(cell)
                self.marked(el, kind, self.text_ops(font, size, leading, x, base, [cell]))
            self.y -= leading + 3
            self.artifact(b"0.7 G 0.5 w %s %s m %s %s l S\n" % (num(MARGIN_L), num(self.y + 2), num(right), num(self.y + 2)))

        row(header, True)
        for r in rows:
            row(r, False)
        self.y -= 10


def num(value):
    if isinstance(value, int) or float(value).is_integer():
        return b"%d" % int(value)
    return ("%.2f" % value).rstrip("0").encode()


# ---------------------------------------------------------------------------
# Scrittura del file PDF


def build_pdf(doc):
    lay = Layout(doc["title"])
    for block in doc["blocks"]:
        kind, *args = block
        getattr(lay, kind)(*args)

    npages = len(lay.pages)
    footer_text = doc.get("footer", "ReSPI \u2013 Rete degli sportelli pubblici per immigrati della provincia di Cuneo")
    for i in range(npages):
        ops = Layout.text_ops("F1", 8, 10, MARGIN_L, FOOTER_Y, [footer_text])
        ops += Layout.text_ops("F1", 8, 10, PAGE_W - MARGIN_R - 60, FOOTER_Y, ["Pagina %d di %d" % (i + 1, npages)])
        lay.pages[i].append(b"/Artifact << /Type /Pagination /Subtype /Footer >> BDC\n" + ops + b"EMC\n")

    objects = {}  # numero -> bytes

    def ref(n):
        return b"%d 0 R" % n

    CATALOG, PAGES, INFO, F1, F2, STRUCT_ROOT, PARENT_TREE, OUTLINES = range(1, 9)
    next_num = [9]

    def alloc():
        n = next_num[0]
        next_num[0] += 1
        return n

    page_nums, content_nums = [], []
    for _ in range(npages):
        page_nums.append(alloc())
        content_nums.append(alloc())

    # numeri degli elementi di struttura, in ordine di documento
    elems = []

    def walk(e):
        e.num = alloc()
        elems.append(e)
        for k in e.kids:
            if isinstance(k, Elem):
                walk(k)

    walk(lay.root)
    outline_nums = [alloc() for _ in lay.outline]

    objects[F1] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[F2] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"

    for i in range(npages):
        stream = b"".join(lay.pages[i])
        objects[content_nums[i]] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[page_nums[i]] = (
            b"<< /Type /Page /Parent %s /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %s /F2 %s >> >>"
            b" /Contents %s /StructParents %d /Tabs /S >>"
            % (ref(PAGES), PAGE_W, PAGE_H, ref(F1), ref(F2), ref(content_nums[i]), i)
        )
    objects[PAGES] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(ref(n) for n in page_nums), npages)

    for e in elems:
        kids = []
        for k in e.kids:
            if isinstance(k, Elem):
                kids.append(ref(k.num))
            else:
                _, page, mcid = k
                kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (ref(page_nums[page]), mcid))
        parent = ref(e.parent.num) if e.parent is not None else ref(STRUCT_ROOT)
        extra = b""
        if e.kind == "Document":
            extra = b" /Lang (it-IT)"
        if e.attrs:
            extra += b" /A " + e.attrs
        objects[e.num] = b"<< /Type /StructElem /S /%s /P %s /K [%s]%s >>" % (e.kind.encode(), parent, b" ".join(kids), extra)

    nums = []
    for i in range(npages):
        nums.append(b"%d [%s]" % (i, b" ".join(ref(e.num) for e in lay.page_mcids[i])))
    objects[PARENT_TREE] = b"<< /Nums [%s] >>" % b" ".join(nums)
    objects[STRUCT_ROOT] = b"<< /Type /StructTreeRoot /K [%s] /ParentTree %s /ParentTreeNextKey %d >>" % (
        ref(lay.root.num), ref(PARENT_TREE), npages)

    # Segnalibri: H1 al primo livello, gli H2 come suoi figli (se c'è un H1).
    top = [i for i, o in enumerate(lay.outline) if o[0] == 1] or list(range(len(lay.outline)))
    children = {t: [] for t in top}
    current = None
    for i, o in enumerate(lay.outline):
        if i in children:
            current = i
        elif current is not None:
            children[current].append(i)

    def outline_item(i, parent_num, siblings):
        level, text, page, y = lay.outline[i]
        pos = siblings.index(i)
        d = b"<< /Title " + text_string(text) + b" /Parent " + ref(parent_num)
        if pos > 0:
            d += b" /Prev " + ref(outline_nums[siblings[pos - 1]])
        if pos < len(siblings) - 1:
            d += b" /Next " + ref(outline_nums[siblings[pos + 1]])
        d += b" /Dest [%s /XYZ %d %s 0]" % (ref(page_nums[page]), MARGIN_L, num(y))
        kids = children.get(i, [])
        if kids:
            d += b" /First %s /Last %s /Count %d" % (ref(outline_nums[kids[0]]), ref(outline_nums[kids[-1]]), len(kids))
            for k in kids:
                outline_item(k, outline_nums[i], kids)
        objects[outline_nums[i]] = d + b" >>"

    for t in top:
        outline_item(t, OUTLINES, top)
    objects[OUTLINES] = b"<< /Type /Outlines /First %s /Last %s /Count %d >>" % (
        ref(outline_nums[top[0]]), ref(outline_nums[top[-1]]), len(top))

    date = doc["date"].replace("-", "")
    pdf_date = b"(D:%s090000+01'00')" % date.encode()
    objects[INFO] = (
        b"<< /Title " + text_string(doc["title"])
        + b" /Author " + text_string(doc.get("author", "ReSPI \u2013 Coordinamento della rete"))
        + b" /Subject " + text_string(doc["subject"])
        + b" /Keywords " + text_string(doc.get("keywords", "ReSPI, provincia di Cuneo"))
        + b" /Creator (scripts/make-documents.py) /Producer (ReSPI make-documents.py)"
        + b" /CreationDate " + pdf_date + b" /ModDate " + pdf_date + b" >>"
    )
    objects[CATALOG] = (
        b"<< /Type /Catalog /Pages %s /MarkInfo << /Marked true >> /StructTreeRoot %s /Lang (it-IT)"
        b" /ViewerPreferences << /DisplayDocTitle true >> /Outlines %s /PageMode /UseOutlines >>"
        % (ref(PAGES), ref(STRUCT_ROOT), ref(OUTLINES))
    )

    # Serializzazione con tabella xref esatta.
    total = next_num[0]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = [0] * total
    for n in range(1, total):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % total
    for n in range(1, total):
        out += b"%010d 00000 n \n" % offsets[n]
    file_id = hashlib.md5(bytes(out)).hexdigest().upper().encode()
    out += b"trailer\n<< /Size %d /Root %s /Info %s /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        total, ref(CATALOG), ref(INFO), file_id, file_id, xref)
    return bytes(out)


# ---------------------------------------------------------------------------
# I testi dei documenti

ESEMPIO = "ESEMPIO: i dati di questo rapporto sono di esempio. Servono a mostrare la forma del rapporto e non descrivono l'attività reale degli sportelli."

SPORTELLI = ["Alba", "Borgo San Dalmazzo", "Bra", "Ceva", "Cuneo", "Dronero", "Fossano", "Mondovì", "Saluzzo", "Savigliano"]

# Dati di esempio del monitoraggio: accessi, pratiche del kit postale, richieste alla Questura
# o alla Prefettura tramite il coordinamento, ore di apertura settimanali.
MONITORAGGIO = [
    ("Alba", 2140, 610, 38, 16),
    ("Borgo San Dalmazzo", 520, 140, 9, 6),
    ("Bra", 1780, 505, 31, 14),
    ("Ceva", 410, 115, 7, 5),
    ("Cuneo", 2960, 820, 52, 18),
    ("Dronero", 330, 85, 6, 5),
    ("Fossano", 1190, 330, 21, 10),
    ("Mondovì", 1350, 380, 24, 12),
    ("Saluzzo", 1620, 470, 29, 12),
    ("Savigliano", 1060, 300, 18, 10),
]
TEMI = [
    ("Permesso di soggiorno: rinnovi, aggiornamenti, conversioni", 41),
    ("Cittadinanza italiana", 16),
    ("Ricongiungimento familiare", 12),
    ("Residenza e anagrafe", 9),
    ("Lavoro e Centro per l'impiego", 8),
    ("Salute e iscrizione al Servizio sanitario", 6),
    ("Altri temi", 8),
]
assert sum(t[1] for t in TEMI) == 100


def fmt(n):
    return "{:,}".format(n).replace(",", ".")


def monitoraggio_rows():
    rows = [[s, fmt(a), fmt(k), fmt(r), str(h)] for s, a, k, r, h in MONITORAGGIO]
    tot = [sum(x[i] for x in MONITORAGGIO) for i in range(1, 5)]
    rows.append(["Totale rete", fmt(tot[0]), fmt(tot[1]), fmt(tot[2]), str(tot[3])])
    return rows, tot


MON_ROWS, MON_TOT = monitoraggio_rows()

DOCUMENTS = [
    {
        "slug": "presentazione-rete-respi",
        "title": "ReSPI in breve: la rete degli sportelli per i cittadini stranieri",
        "subject": "Pieghevole di presentazione della rete ReSPI per i cittadini",
        "keywords": "ReSPI, sportelli per immigrati, provincia di Cuneo, cittadini stranieri",
        "date": "2026-02-10",
        "blocks": [
            ("h1", "La rete ReSPI in breve"),
            ("p", "ReSPI è la Rete degli sportelli pubblici per immigrati della provincia di Cuneo. "
                  "Gli sportelli sono uffici pubblici e gratuiti. Danno informazioni ai cittadini stranieri e alle loro famiglie."),
            ("h2", "Che cosa fanno gli sportelli"),
            ("ul", [
                "Informano sul permesso di soggiorno, sui rinnovi e sulle conversioni.",
                "Aiutano a compilare il kit postale per il rinnovo del permesso.",
                "Spiegano come chiedere il ricongiungimento familiare e la cittadinanza italiana.",
                "Indicano a quale ufficio rivolgersi: Comune, servizi sociali, ASL, Centro per l'impiego, scuola.",
            ]),
            ("p", "Lo sportello non decide sulle domande. Le decisioni spettano alla Questura, alla Prefettura e agli altri uffici competenti. "
                  "Lo sportello ti aiuta a presentare domande complete e corrette."),
            ("h2", "Dove sono gli sportelli"),
            ("p", "Gli sportelli della rete sono dieci: " + ", ".join(SPORTELLI[:-1]) + " e " + SPORTELLI[-1] + "."),
            ("p", "Indirizzi, orari e lingue parlate sono sul portale ReSPI, nella pagina degli sportelli. "
                  "In alcuni giorni si riceve solo su appuntamento."),
            ("h2", "Che cosa portare"),
            ("ul", [
                "Il passaporto.",
                "Il permesso di soggiorno, oppure la ricevuta della domanda di rinnovo.",
                "Il codice fiscale.",
                "I documenti che riguardano la tua domanda.",
            ]),
            ("h2", "Chi fa parte della rete"),
            ("p", "La Provincia di Cuneo coordina la rete. Ne fanno parte i Comuni e i consorzi socio-assistenziali che gestiscono gli sportelli, "
                  "la Prefettura, la Questura, le aziende sanitarie ASL CN1 e ASL CN2 e i Centri per l'impiego. "
                  "Collaborano anche gli altri servizi pubblici del territorio, per esempio le scuole e i centri per l'istruzione degli adulti."),
            ("h2", "Per saperne di più"),
            ("p", "Sul portale ReSPI trovi le domande frequenti, le schede sulle pratiche più comuni e i recapiti di tutti gli sportelli. "
                  "I servizi degli sportelli sono gratuiti: nessuno può chiederti soldi per un'informazione."),
        ],
    },
    {
        "slug": "protocollo-intesa-sintesi",
        "title": "Sintesi del protocollo d'intesa della rete ReSPI",
        "subject": "Sintesi per la lettura del protocollo d'intesa che regola la rete ReSPI",
        "keywords": "ReSPI, protocollo d'intesa, rete, Provincia di Cuneo, Prefettura, Questura",
        "date": "2026-01-20",
        "blocks": [
            ("h1", "Sintesi del protocollo d'intesa della rete ReSPI"),
            ("p", "Avvertenza: questo documento è una sintesi per facilitare la lettura. Fa fede solo il testo firmato dalle parti.", "note"),
            ("h2", "Le parti"),
            ("ul", [
                "La Provincia di Cuneo, che coordina la rete.",
                "La Prefettura \u2013 Ufficio territoriale del Governo di Cuneo.",
                "La Questura di Cuneo.",
                "I Comuni e i consorzi socio-assistenziali che gestiscono gli sportelli.",
                "Le aziende sanitarie ASL CN1 e ASL CN2.",
                "L'ente che gestisce i Centri per l'impiego della provincia.",
            ]),
            ("p", "Altri enti pubblici possono aderire in seguito, con una lettera di adesione approvata dal tavolo di coordinamento."),
            ("h2", "Le finalità"),
            ("ul", [
                "Dare ai cittadini stranieri informazioni corrette, gratuite e uguali su tutto il territorio.",
                "Ridurre gli errori nelle domande e quindi i tempi delle pratiche.",
                "Creare un canale stabile tra gli sportelli, la Questura e la Prefettura.",
                "Migliorare la collaborazione tra servizi sociali, sanitari e per il lavoro.",
                "Formare gli operatori pubblici in modo continuo.",
            ]),
            ("h2", "Gli impegni della Provincia di Cuneo"),
            ("ul", [
                "Coordina la rete e convoca il tavolo di coordinamento.",
                "Gestisce il portale e l'area riservata per le segnalazioni degli operatori.",
                "Organizza la formazione e raccoglie i dati di monitoraggio.",
            ]),
            ("h2", "Gli impegni della Prefettura e della Questura"),
            ("ul", [
                "Indicano ciascuna un referente per la rete.",
                "Rispondono alle segnalazioni inoltrate dal coordinamento.",
                "Validano le risposte prima che siano pubblicate come domande frequenti.",
                "Partecipano alla formazione degli operatori.",
            ]),
            ("h2", "Gli impegni degli enti che gestiscono gli sportelli"),
            ("ul", [
                "Garantiscono l'apertura al pubblico con orari resi noti.",
                "Impiegano operatori formati e li fanno partecipare ai corsi.",
                "Usano i moduli e le procedure comuni della rete.",
                "Trattano i dati personali secondo le regole concordate.",
            ]),
            ("h2", "Gli impegni delle aziende sanitarie e dei Centri per l'impiego"),
            ("ul", [
                "Indicano un referente per le questioni di loro competenza.",
                "Informano la rete sui cambi di procedure, di sedi e di orari.",
            ]),
            ("h2", "I dati personali"),
            ("p", "Le segnalazioni degli sportelli alla Questura e alla Prefettura passano dall'area riservata. "
                  "I dati personali dei cittadini non sono mai pubblicati: le domande frequenti nascono da risposte prive di dati personali."),
            ("h2", "Durata e verifica"),
            ("p", "Il protocollo dura tre anni dalla firma e può essere rinnovato con l'accordo delle parti. "
                  "Il tavolo di coordinamento verifica ogni anno i risultati, sulla base del rapporto di monitoraggio."),
        ],
    },
    {
        "slug": "modulo-richiesta-appuntamento",
        "title": "Modulo di richiesta di appuntamento allo sportello",
        "subject": "Modulo per chiedere un appuntamento a uno sportello della rete ReSPI",
        "keywords": "ReSPI, modulo, appuntamento, sportello",
        "date": "2026-04-15",
        "blocks": [
            ("h1", "Richiesta di appuntamento allo sportello"),
            ("p", "Usa questo modulo per chiedere un appuntamento a uno sportello della rete ReSPI. "
                  "Puoi consegnarlo allo sportello o inviarlo per e-mail. Puoi anche chiedere l'appuntamento per telefono: il modulo non è obbligatorio."),
            ("p", "Lo sportello ti risponde per confermare il giorno e l'ora. Il servizio è gratuito."),
            ("h2", "1. I tuoi dati"),
            ("p", "Nome: " + "_" * 66),
            ("p", "Cognome: " + "_" * 64),
            ("p", "Telefono: " + "_" * 63),
            ("p", "E-mail: " + "_" * 65),
            ("p", "Comune dove abiti: " + "_" * 57),
            ("h2", "2. Lo sportello che scegli"),
            ("ul", SPORTELLI, "[  ]"),
            ("h2", "3. Il motivo della richiesta"),
            ("ul", [
                "Rinnovo o aggiornamento del permesso di soggiorno",
                "Conversione del permesso di soggiorno",
                "Permesso UE per soggiornanti di lungo periodo",
                "Ricongiungimento familiare",
                "Cittadinanza italiana",
                "Residenza e anagrafe",
                "Iscrizione al Servizio sanitario nazionale",
                "Lavoro e Centro per l'impiego",
                "Altro: " + "_" * 50,
            ], "[  ]"),
            ("p", "Se vuoi, scrivi in breve la tua domanda:"),
            ("p", "_" * 76),
            ("p", "_" * 76),
            ("h2", "4. La lingua"),
            ("p", "Preferisco parlare in: " + "_" * 40),
            ("p", "Ho bisogno di un mediatore culturale:   [  ] sì   [  ] no"),
            ("h2", "5. Quando preferisci venire"),
            ("ul", ["Di mattina", "Di pomeriggio", "Indifferente"], "[  ]"),
            ("h2", "6. I tuoi dati personali"),
            ("p", "I dati di questo modulo servono solo a fissare l'appuntamento e a ricontattarti. "
                  "Li tratta l'ente che gestisce lo sportello scelto. Non sono pubblicati e non sono dati ad altri, salvo obblighi di legge. "
                  "L'informativa completa è sul portale ReSPI, nella pagina sulla privacy, ed è disponibile allo sportello."),
            ("p", "Data: " + "_" * 20 + "     Firma: " + "_" * 36),
        ],
    },
    {
        "slug": "rapporto-monitoraggio-2025",
        "title": "Rapporto di monitoraggio 2025 sull'attività degli sportelli",
        "subject": "Rapporto annuale di monitoraggio della rete ReSPI, anno 2025 (dati di esempio)",
        "keywords": "ReSPI, monitoraggio, rapporto annuale, sportelli, dati di esempio",
        "date": "2026-03-31",
        "blocks": [
            ("h1", "Rapporto di monitoraggio 2025 sull'attività degli sportelli"),
            ("p", ESEMPIO, "note"),
            ("h2", "Che cosa misura il rapporto"),
            ("p", "Il rapporto descrive l'attività dei dieci sportelli della rete dal 1 gennaio al 31 dicembre 2025. "
                  "Ogni sportello registra in forma anonima gli accessi, il tema principale di ogni richiesta, le pratiche del kit postale "
                  "seguite e le richieste di chiarimento inviate alla Questura o alla Prefettura tramite il coordinamento."),
            ("p", "Un accesso è un incontro con una persona, allo sportello o per telefono. La stessa persona può contare più accessi nell'anno."),
            ("h2", "L'attività dei singoli sportelli"),
            ("table",
             "Tabella 1 \u2013 Attività degli sportelli nel 2025 (dati di esempio)",
             ["Sportello", "Accessi", "Kit postali", "Richieste Q/P", "Ore/sett."],
             MON_ROWS,
             [160, 80, 85, 95, 63],
             (1, 2, 3, 4)),
            ("p", "Legenda: «Richieste Q/P» sono le richieste di chiarimento inviate alla Questura o alla Prefettura tramite il coordinamento; "
                  "«Ore/sett.» sono le ore di apertura al pubblico in una settimana normale."),
            ("p", "Nel 2025 gli sportelli hanno registrato in tutto %s accessi e seguito %s pratiche del kit postale. "
                  "Hanno inviato %s richieste di chiarimento. Gli sportelli sono aperti in tutto %d ore alla settimana."
                  % (fmt(MON_TOT[0]), fmt(MON_TOT[1]), fmt(MON_TOT[2]), MON_TOT[3])),
            ("h2", "I temi delle richieste"),
            ("table",
             "Tabella 2 \u2013 Tema principale delle richieste, in percentuale sugli accessi (dati di esempio)",
             ["Tema", "Quota"],
             [[t, "%d%%" % q] for t, q in TEMI],
             [380, 103],
             (1,)),
            ("h2", "Le osservazioni del coordinamento"),
            ("ul", [
                "Il permesso di soggiorno resta il tema più frequente, soprattutto i rinnovi con il kit postale.",
                "Le richieste sulla cittadinanza sono cresciute dopo le modifiche di legge del 2025.",
                "Gli sportelli con più ore di apertura ricevono anche le persone dei Comuni vicini.",
                "Molte richieste di chiarimento riguardano gli stessi casi: conviene trasformarle in domande frequenti.",
            ]),
            ("h2", "Le proposte per il 2026"),
            ("ul", [
                "Pubblicare sul portale le domande frequenti validate dalla Questura e dalla Prefettura.",
                "Organizzare corsi per gli operatori su rinnovi, conversioni e cittadinanza.",
                "Raccogliere i dati con l'area riservata, con le stesse categorie in tutti gli sportelli.",
                "Completare l'elenco dei servizi della rete allargata con i recapiti verificati.",
            ]),
        ],
    },
    {
        "slug": "dispense-corso-permesso-soggiorno",
        "title": "Dispense del corso sul permesso di soggiorno, rinnovi e conversioni",
        "subject": "Materiale del corso per operatori del 18 marzo 2026, Cuneo",
        "keywords": "ReSPI, formazione, operatori, permesso di soggiorno, rinnovo, conversione",
        "date": "2026-04-02",
        "blocks": [
            ("h1", "Permesso di soggiorno, rinnovi e conversioni: dispense del corso"),
            ("p", "Corso per gli operatori della rete ReSPI, Cuneo, 18 marzo 2026. Queste dispense riassumono le presentazioni dei docenti. "
                  "Non sostituiscono le norme e le istruzioni ufficiali: prima di consigliare un cittadino, verificare sempre le fonti aggiornate."),
            ("h2", "Modulo 1 \u2013 I permessi di soggiorno"),
            ("ul", [
                "Il permesso di soggiorno è rilasciato dalla Questura e indica il motivo del soggiorno: lavoro, famiglia, studio, protezione e altri.",
                "La durata dipende dal motivo e, per il lavoro, dal contratto.",
                "Il permesso UE per soggiornanti di lungo periodo riconosce uno status permanente; il documento si aggiorna.",
                "Con la ricevuta della domanda di rinnovo presentata in tempo la persona resta regolare e può continuare a lavorare.",
            ]),
            ("h2", "Modulo 2 \u2013 Il rinnovo con il kit postale"),
            ("ul", [
                "Il rinnovo si chiede prima della scadenza: la rete indica di presentarlo almeno 60 giorni prima.",
                "Il kit si ritira gratis negli uffici postali con lo Sportello Amico; si spedisce aperto, con il passaporto originale da mostrare.",
                "La ricevuta contiene i codici per seguire la pratica e la data dell'appuntamento in Questura per le impronte.",
                "Dopo il rinnovo la persona iscritta all'anagrafe rinnova in Comune la dichiarazione di dimora abituale entro 60 giorni.",
            ]),
            ("h2", "Errori frequenti nella compilazione"),
            ("ul", [
                "Moduli compilati a matita o con correzioni poco leggibili.",
                "Fotocopie del passaporto incomplete: servono tutte le pagine, anche quelle vuote.",
                "Documenti sul reddito o sull'alloggio mancanti o non aggiornati.",
                "Bollettino pagato con un importo sbagliato per il tipo di permesso.",
                "Busta chiusa prima del controllo allo Sportello Amico.",
            ]),
            ("h2", "Modulo 3 \u2013 Le conversioni"),
            ("ul", [
                "La conversione cambia il motivo del permesso, per esempio da studio a lavoro.",
                "La conversione da studio a lavoro si chiede online sul Portale ALI allo Sportello Unico per l'Immigrazione della Prefettura.",
                "Dopo l'esito positivo e la firma del contratto di soggiorno si chiede il nuovo permesso con il kit postale.",
                "Le regole sono cambiate più volte: verificare ogni caso con il referente prima di dare un'indicazione.",
            ]),
            ("h2", "Modulo 4 \u2013 Il permesso UE per soggiornanti di lungo periodo"),
            ("ul", [
                "Requisiti principali: 5 anni di soggiorno regolare, reddito almeno pari all'assegno sociale, conoscenza dell'italiano di livello A2.",
                "Il test di italiano si prenota online; alcune persone sono esonerate, per esempio con un titolo di studio italiano.",
                "La domanda si presenta con il kit postale.",
            ]),
            ("h2", "Esercitazione: tre casi"),
            ("p", "I casi sono inventati e non contengono dati personali."),
            ("ul", [
                "Caso A: un lavoratore con permesso per lavoro subordinato in scadenza tra due mesi e un nuovo contratto a tempo determinato.",
                "Caso B: una studentessa universitaria con un'offerta di lavoro a tempo pieno prima della laurea.",
                "Caso C: una persona in Italia da sei anni, con reddito sufficiente, che vuole chiedere il permesso UE anche per il figlio.",
            ]),
            ("p", "Per ogni caso i partecipanti hanno indicato la procedura, i documenti, i costi e l'ufficio competente. "
                  "Le soluzioni sono state discusse con i docenti della Questura e della Prefettura."),
            ("h2", "Per approfondire"),
            ("p", "Le schede del portale ReSPI sul rinnovo con il kit postale, sulla conversione da studio a lavoro e sul permesso UE "
                  "riportano procedure, documenti e costi aggiornati. Le domande emerse durante il corso, con le risposte validate, "
                  "sono pubblicate tra le domande frequenti sul permesso di soggiorno."),
        ],
    },
    {
        "slug": "nota-coordinamento-rinnovi",
        "title": "Nota di coordinamento 3/2026: rinnovi del permesso di soggiorno",
        "subject": "Indicazioni operative della rete ReSPI agli sportelli sui rinnovi del permesso di soggiorno",
        "keywords": "ReSPI, nota di coordinamento, rinnovo, permesso di soggiorno, kit postale, dimora abituale",
        "date": "2026-05-20",
        "blocks": [
            ("h1", "Nota di coordinamento n. 3/2026 \u2013 Rinnovi del permesso di soggiorno"),
            ("p", "Destinatari: operatori degli sportelli della rete ReSPI e degli uffici anagrafe dei Comuni."),
            ("p", "Natura del documento: questa nota è un documento di lavoro del coordinamento della rete. Non è una circolare del Ministero "
                  "dell'Interno, della Questura o della Prefettura e non modifica le loro istruzioni. In caso di dubbio fanno fede le norme "
                  "e le istruzioni ufficiali.", "note"),
            ("h2", "1. Perché questa nota"),
            ("p", "Nel 2025 i rinnovi sono stati il tema più frequente agli sportelli. Molte domande tornano indietro per errori evitabili. "
                  "La nota raccoglie le indicazioni comuni concordate nel tavolo di coordinamento, per dare a tutti i cittadini le stesse informazioni."),
            ("h2", "2. Quando presentare la domanda"),
            ("ul", [
                "Invitare il cittadino a presentare la domanda almeno 60 giorni prima della scadenza del permesso.",
                "Controllare la data di scadenza già al primo incontro e annotare quando richiamare la persona, se lo sportello offre questo servizio.",
                "Se il permesso è già scaduto, non scoraggiare la domanda: segnalare il caso al coordinamento attraverso l'area riservata.",
            ]),
            ("h2", "3. Controllo della domanda prima della spedizione"),
            ("ul", [
                "Verificare che i moduli siano compilati in stampatello, con penna nera, senza correzioni.",
                "Verificare che ci siano le fotocopie di tutte le pagine del passaporto e del permesso in scadenza.",
                "Verificare i documenti sul reddito, sul lavoro e sull'alloggio indicati nelle istruzioni del kit.",
                "Verificare gli importi dei bollettini per il tipo e la durata del permesso, sulle istruzioni ufficiali aggiornate.",
                "Ricordare che la busta si consegna aperta allo Sportello Amico, con il passaporto originale.",
            ]),
            ("h2", "4. Dopo la spedizione"),
            ("ul", [
                "Spiegare che la ricevuta va conservata con cura: contiene i codici per seguire la pratica e la data della convocazione.",
                "Spiegare che con la ricevuta, se la domanda è stata presentata in tempo, la persona può continuare a lavorare.",
                "Ricordare di portare in Questura le fotografie e gli originali dei documenti nel giorno indicato.",
            ]),
            ("h2", "5. Dopo il rinnovo: la dichiarazione di dimora abituale"),
            ("p", "Il cittadino straniero iscritto all'anagrafe rinnova la dichiarazione di dimora abituale entro 60 giorni dal rinnovo del permesso. "
                  "Gli sportelli lo ricordano sempre alla consegna del nuovo permesso. Gli uffici anagrafe che accettano la dichiarazione per e-mail "
                  "lo comunicano al coordinamento, che aggiorna le informazioni del portale."),
            ("h2", "6. Casi dubbi"),
            ("p", "I casi che lo sportello non sa risolvere si inviano come segnalazione nell'area riservata, senza dati personali nel testo libero "
                  "quando non servono. Il coordinamento inoltra la segnalazione all'ufficio competente e comunica la risposta. "
                  "Le risposte utili a tutti diventano domande frequenti, dopo la validazione della Questura o della Prefettura."),
            ("p", "Il coordinamento della rete ReSPI"),
        ],
    },
    {
        "slug": "guida-norme-immigrazione",
        "title": "Guida alle norme principali su immigrazione e cittadinanza",
        "subject": "Elenco commentato, in linguaggio semplice, delle norme principali usate dagli sportelli",
        "keywords": "ReSPI, normativa, immigrazione, cittadinanza, testo unico, anagrafe",
        "date": "2026-06-30",
        "blocks": [
            ("h1", "Guida alle norme principali su immigrazione e cittadinanza"),
            ("p", "Questa guida elenca le norme che gli sportelli della rete ReSPI usano più spesso e spiega in poche parole di che cosa trattano. "
                  "Non riporta il testo delle norme e non è un documento ufficiale. I testi in vigore si consultano su Normattiva (www.normattiva.it).",
             "note"),
            ("h2", "Il soggiorno dei cittadini stranieri"),
            ("ul", [
                "Decreto legislativo 25 luglio 1998, n. 286, Testo unico sull'immigrazione: ingresso, soggiorno, lavoro, famiglia, allontanamento. "
                "È la norma di base per i permessi di soggiorno.",
                "Decreto del Presidente della Repubblica 31 agosto 1999, n. 394: il regolamento di attuazione del Testo unico. "
                "Descrive le procedure e i documenti.",
            ]),
            ("h2", "I cittadini dell'Unione europea e i loro familiari"),
            ("ul", [
                "Decreto legislativo 6 febbraio 2007, n. 30: il soggiorno in Italia dei cittadini dell'Unione europea e dei loro familiari. "
                "Per loro non serve il permesso di soggiorno, ma valgono regole proprie per l'iscrizione anagrafica e la carta di soggiorno dei familiari.",
            ]),
            ("h2", "La protezione internazionale"),
            ("ul", [
                "Decreto legislativo 19 novembre 2007, n. 251: chi ha diritto allo status di rifugiato e alla protezione sussidiaria, e con quali diritti.",
                "Decreto legislativo 28 gennaio 2008, n. 25: la procedura per chiedere la protezione internazionale.",
            ]),
            ("h2", "La cittadinanza italiana"),
            ("ul", [
                "Legge 5 febbraio 1992, n. 91: come si acquista e si perde la cittadinanza italiana, per esempio per matrimonio o per residenza.",
                "Decreto-legge 28 marzo 2025, n. 36, convertito dalla legge 23 maggio 2025, n. 74: ha modificato le regole sulla cittadinanza "
                "per le persone nate all'estero da cittadini italiani.",
            ]),
            ("h2", "L'anagrafe e la residenza"),
            ("ul", [
                "Decreto del Presidente della Repubblica 30 maggio 1989, n. 223: il regolamento anagrafico. Stabilisce come ci si iscrive "
                "all'anagrafe e, per i cittadini stranieri, l'obbligo di rinnovare la dichiarazione di dimora abituale dopo il rinnovo del permesso.",
            ]),
            ("h2", "Come usare questa guida"),
            ("ul", [
                "Le norme cambiano spesso: controllare sempre la versione in vigore su Normattiva.",
                "Le circolari e le istruzioni del Ministero dell'Interno sono pubblicate sul suo sito.",
                "Per i casi dubbi gli sportelli fanno una segnalazione al coordinamento nell'area riservata.",
            ]),
        ],
    },
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent),
                        help="la cartella che contiene site.toml (predefinita: la radice del repository)")
    args = parser.parse_args()
    base = pathlib.Path(args.root) / "content" / "documenti"
    for doc in DOCUMENTS:
        folder = base / doc["slug"]
        if not (folder / "index.md").is_file():
            print("attenzione: manca %s" % (folder / "index.md"), file=sys.stderr)
        folder.mkdir(parents=True, exist_ok=True)
        data = build_pdf(doc)
        target = folder / (doc["slug"] + ".pdf")
        target.write_bytes(data)
        print("%s (%d byte)" % (target, len(data)))


if __name__ == "__main__":
    main()
