"""Reading organisations and people from CSV or Excel (spreadsheets, form exports), row by row.

Every cell is read as text (leading zeros of phone numbers and postal codes stay, « NA »
and « None » stay names), dates day first. Each row becomes either a checked
:class:`PersonRow` or a :class:`RejectedRow` with every reason found; nothing here
looks at the database (duplicates are the import service's business).
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.imports.common import (
    Column,
    ImportFileError,
    Row,
    Table,
    normalise,
    parse_date,
    parse_year,
    read_table,
    write_template_file,
)

COLUMNS: Final = (
    Column(
        "organisation",
        "Organisation",
        (
            "organisation",
            "organisme",
            "structure",
            "nom de l organisation",
            "nom de la structure",
            "nom de l entreprise",
            "nom de l organisme",
            "employeur",
            "societe",
            "organization",
        ),
    ),
    Column(
        "short_name",
        "Sigle",
        ("sigle", "nom court", "acronyme", "abreviation", "short name"),
    ),
    Column(
        "kind",
        "Type d'organisation",
        (
            "type d organisation",
            "type",
            "type de structure",
            "categorie",
            "nature",
            "nature de la structure",
            "kind",
        ),
    ),
    Column("member", "Membre", ("membre", "membre de l alliance", "adherent", "member")),
    Column(
        "member_since",
        "Membre depuis",
        ("membre depuis", "date d adhesion", "adhesion", "date d entree", "member since"),
    ),
    Column(
        "contact",
        "Contact de l'organisation",
        ("contact de l organisation", "contact", "contact organisation", "adresse postale"),
    ),
    Column("postal_code", "Code postal", ("code postal", "cp", "postal code", "zip")),
    Column("city", "Ville", ("ville", "commune", "localite", "city")),
    Column("first_name", "Prénom", ("prenom", "first name", "firstname", "given name")),
    Column(
        "last_name",
        "Nom",
        ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    ),
    Column(
        "full_name",
        "Nom et prénom",
        (
            "nom et prenom",
            "prenom et nom",
            "nom prenom",
            "prenom nom",
            "nom complet",
            "participant",
            "participante",
            "full name",
            "name",
        ),
    ),
    Column("function", "Fonction", ("fonction", "poste", "role", "titre", "job title")),
    Column(
        "email",
        "E-mail",
        (
            "e mail",
            "email",
            "courriel",
            "adresse e mail",
            "adresse email",
            "adresse electronique",
            "adresse mail",
            "adresse de messagerie",
            "mail",
        ),
    ),
    Column(
        "phone",
        "Téléphone",
        ("telephone", "tel", "portable", "mobile", "numero de telephone", "phone"),
    ),
    Column(
        "consent_named",
        "Accepte d'être nommé",
        (
            "accepte d etre nomme",
            "accepte d etre nommee",
            "accepte d etre nomme e",
            "consentement nom",
            "nomme dans les comptes rendus",
            "nom dans les comptes rendus",
        ),
    ),
    Column(
        "consent_photo",
        "Accepte les photos",
        (
            "accepte les photos",
            "consentement photo",
            "droit a l image",
            "accepte d etre photographie",
            "photos",
        ),
    ),
)
REQUIRED: Final = (("organisation", "last_name", "full_name"),)
TEMPLATE_HEADERS: Final = (
    "Organisation",
    "Sigle",
    "Type d'organisation",
    "Membre",
    "Membre depuis",
    "Contact de l'organisation",
    "Prénom",
    "Nom",
    "Fonction",
    "E-mail",
    "Téléphone",
    "Accepte d'être nommé",
    "Accepte les photos",
)

_EMAIL: Final = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
_PHONE: Final = re.compile(r"^[0-9+().\-/\s\u00a0]+$")

_KINDS: Final = {
    e.OrganisationKind.PUBLIC_AUTHORITY: (
        "collectivite",
        "collectivite territoriale",
        "collectivites",
        "commune",
        "mairie",
        "ville",
        "metropole",
        "departement",
        "region",
        "intercommunalite",
        "epci",
        "public authority",
        "local authority",
    ),
    e.OrganisationKind.PUBLIC_SERVICE: (
        "service public",
        "etablissement public",
        "services de l etat",
        "service de l etat",
        "etat",
        "syndicat mixte",
        "operateur public",
        "public service",
    ),
    e.OrganisationKind.COMPANY: (
        "entreprise",
        "entreprises",
        "societe",
        "secteur prive",
        "prive",
        "company",
        "business",
    ),
    e.OrganisationKind.ASSOCIATION: ("association", "associations", "asso", "ong", "collectif"),
    e.OrganisationKind.EDUCATION: (
        "enseignement",
        "education",
        "ecole",
        "college",
        "lycee",
        "universite",
        "etablissement scolaire",
    ),
    e.OrganisationKind.RESEARCH: ("recherche", "laboratoire", "institut de recherche", "research"),
    e.OrganisationKind.OTHER: ("autre", "autres", "divers", "other"),
}
_KIND_BY_NAME: Final = {
    alias: kind
    for kind, aliases in _KINDS.items()
    for alias in (*aliases, kind.value.replace("_", " "), normalise(label(kind, "fr")))
}
_YES: Final = frozenset(
    {"oui", "o", "yes", "y", "x", "1", "vrai", "true", "ok", "d accord", "accepte", "accord"}
)
_NO: Final = frozenset({"non", "n", "no", "0", "faux", "false", "refuse", "pas d accord"})


@dataclass(frozen=True)
class OrganisationCells:
    """What one row says about an organisation (None: the file does not say)."""

    name: str
    short_name: str | None = None
    kind: e.OrganisationKind | None = None
    is_member: bool | None = None
    member_since: str | None = None  # ISO date, kept as text to stay hashable and plain
    contact: str | None = None


@dataclass(frozen=True)
class PersonRow:
    """A checked row: an organisation, a person, or a person and their organisation."""

    line: int
    organisation: OrganisationCells | None
    first_name: str = ""
    last_name: str = ""
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    consent_named: bool | None = None
    consent_photo: bool | None = None

    @property
    def has_person(self) -> bool:
        """Whether the row names a person (else it only describes an organisation)."""
        return bool(self.first_name or self.last_name)

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, with the reasons in the user's words."""

    line: int
    reason: str


@dataclass(frozen=True)
class ReadResult:
    """A file read and checked row by row."""

    table: Table
    rows: tuple[PersonRow, ...]
    rejected: tuple[RejectedRow, ...]


# --- cells -----------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse_yes_no(text: str) -> bool | str | None:
    """True, False, None for an empty cell, or the text itself when it is neither."""
    n = normalise(text)
    if not n:
        return None
    if n in _YES:
        return True
    if n in _NO:
        return False
    return text


def parse_kind(text: str) -> e.OrganisationKind | None:
    """The kind of organisation a cell names (French, English or code), or None."""
    return _KIND_BY_NAME.get(normalise(text))


def split_full_name(text: str) -> tuple[str, str]:
    """First and last name from one cell: « DUPONT Jean », « Jean Dupont », « Dupont, Jean ».

    A word in capitals is the last name (the French way of writing lists); a comma puts
    the last name first; otherwise the first word is the first name.
    """
    s = _clean(text)
    if "," in s:
        last, first = (p.strip() for p in s.split(",", 1))
        return first, last
    words = s.split(" ")
    if len(words) == 1:
        return "", s
    caps = [w for w in words if len(w) > 1 and w.isupper()]
    if caps and len(caps) < len(words):
        last = " ".join(w for w in words if w in caps)
        first = " ".join(w for w in words if w not in caps)
        return first, last
    return words[0], " ".join(words[1:])


def _member_since(text: str) -> tuple[str | None, str | None]:
    year = parse_year(text) if re.fullmatch(r"\s*\d{4}(?:\.0)?\s*", text) else None
    if year is not None:
        return f"{year:04d}-01-01", None
    d = parse_date(text)
    if d is None:
        return None, t(
            f"date d'adhésion « {text} » illisible (attendu : jj/mm/aaaa ou l'année)",
            f"unreadable membership date “{text}” (expected: dd/mm/yyyy or the year)",
        )
    return d.isoformat(), None


def _contact(cells: dict[str, str]) -> str | None:
    parts = [_clean(cells.get("contact", ""))]
    place = " ".join(
        p for p in (_clean(cells.get("postal_code", "")), _clean(cells.get("city", ""))) if p
    )
    if place:
        parts.append(place)
    text = ", ".join(p for p in parts if p)
    return text or None


def check_row(row: Row) -> PersonRow | list[str]:
    """The row's values, checked, or every problem found in it."""
    cells = row.cells
    problems: list[str] = list(row_problems(row))
    org_name = _clean(cells.get("organisation", ""))
    first = _clean(cells.get("first_name", ""))
    last = _clean(cells.get("last_name", ""))
    full = _clean(cells.get("full_name", ""))
    if full and not (first or last):
        first, last = split_full_name(full)
    if not org_name and not (first or last):
        problems.append(
            t("ni organisation ni nom de personne", "neither an organisation nor a person's name")
        )

    kind: e.OrganisationKind | None = None
    if kind_text := _clean(cells.get("kind", "")):
        kind = parse_kind(kind_text)
        if kind is None:
            known = ", ".join(label(k, "fr") for k in e.OrganisationKind)
            problems.append(
                t(
                    f"type d'organisation « {kind_text} » inconnu (attendu : {known})",
                    f"unknown kind of organisation “{kind_text}” (expected: {known})",
                )
            )
    flags: dict[str, bool | None] = {}
    for key, fr, en in (
        ("member", "membre", "member"),
        ("consent_named", "accepte d'être nommé", "agrees to be named"),
        ("consent_photo", "accepte les photos", "agrees to photos"),
    ):
        value = parse_yes_no(cells.get(key, ""))
        if isinstance(value, str):
            problems.append(
                t(
                    f"« {fr} » : « {value} » n'est ni oui ni non",
                    f"“{en}”: “{value}” is neither yes nor no",
                )
            )
            value = None
        flags[key] = value
    since: str | None = None
    if since_text := _clean(cells.get("member_since", "")):
        since, why = _member_since(since_text)
        if why:
            problems.append(why)

    email = _clean(cells.get("email", "")).removeprefix("mailto:").strip("<> ").lower() or None
    if email and not _EMAIL.match(email):
        problems.append(
            t(f"adresse électronique « {email} » invalide", f"invalid e-mail address “{email}”")
        )
    phone = _clean(cells.get("phone", "")) or None
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 4):
        problems.append(t(f"téléphone « {phone} » invalide", f"invalid phone number “{phone}”"))
    person_only = ("function", "email", "phone", "consent_named", "consent_photo")
    if not (first or last) and any(cells.get(k, "").strip() for k in person_only):
        problems.append(
            t(
                "des coordonnées de personne sans nom de personne",
                "a person's details without the person's name",
            )
        )
    if problems:
        return problems
    org = (
        OrganisationCells(
            name=org_name,
            short_name=_clean(cells.get("short_name", "")) or None,
            kind=kind,
            is_member=flags["member"],
            member_since=since,
            contact=_contact(cells),
        )
        if org_name
        else None
    )
    return PersonRow(
        line=row.line,
        organisation=org,
        first_name=first,
        last_name=last,
        function=_clean(cells.get("function", "")) or None,
        email=email,
        phone=phone,
        consent_named=flags["consent_named"],
        consent_photo=flags["consent_photo"],
    )


def row_problems(row: Row) -> list[str]:
    """Problems the reader found in the row itself (cells beyond the headers, formulas)."""
    if not row.overflow:
        return []
    extra = " ; ".join(f"« {c} »" for c in row.overflow)
    return [
        t(
            f"plus de cellules que d'en-têtes ({extra}) : une virgule non protégée dans un "
            "fichier séparé par des virgules ? Mettez la cellule entre guillemets",
            f"more cells than headers ({extra}): an unquoted comma in a comma-separated "
            "file? Quote the cell",
        )
    ]


# --- Excel: merged cells and formulas ---------------------------------------------------

_FORMULA_KEY: Final = "__formula__"


def _may_need_fixups(raw: bytes) -> bool:
    """Whether any sheet of the workbook has merged cells or formulas.

    Loading a workbook whole (what finding merged ranges takes) costs as much as reading
    it: a look at the sheets' XML spares it for the usual workbook that has neither.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = z.read(name)
                    if b"<mergeCell " in xml or b"<f>" in xml or b"<f " in xml:
                        return True
    except zipfile.BadZipFile:
        return True  # let the full reader report what is wrong
    return False


def excel_fixups(table: Table, raw: bytes) -> Table:
    """Fill merged cells from their top-left cell and flag formulas with no computed value.

    A sheet where one organisation's name spans the rows of its people is read as that
    name on each row. A formula that Excel never computed (a file written by a script)
    has no value to read: the row is flagged instead of being read as empty.
    """
    if not _may_need_fixups(raw):
        return table
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:
        # openpyxl surfaces a damaged file as almost any exception type.
        raise ImportFileError(
            t(
                f"Le classeur « {table.path.name} » ne peut pas être lu ({exc}).",
                f"The workbook “{table.path.name}” cannot be read ({exc}).",
            )
        ) from exc
    ws = book[table.sheet] if table.sheet in book.sheetnames else book.active
    header_cells = {
        str(c.value).strip(): c.column
        for c in ws[table.header_line]
        if c.value is not None and str(c.value).strip()
    }
    col_of = {k: header_cells[h] for k, h in table.headers.items() if h in header_cells}
    by_line = {r.line: r for r in table.rows}
    fills: dict[int, dict[str, str]] = {}
    for rng in ws.merged_cells.ranges:
        top = by_line.get(rng.min_row)
        for key, col in col_of.items():
            if not rng.min_col <= col <= rng.max_col or top is None:
                continue
            value = top.cells.get(key, "")
            for line in range(rng.min_row + 1, rng.max_row + 1):
                fills.setdefault(line, {})[key] = value
    rows: list[Row] = []
    for r in table.rows:
        cells = dict(r.cells)
        cells.update(fills.get(r.line, {}))
        uncomputed = [
            table.headers[key]
            for key, col in col_of.items()
            if not cells.get(key)
            and isinstance(v := ws.cell(row=r.line, column=col).value, str)
            and v.startswith("=")
        ]
        if uncomputed:
            cells[_FORMULA_KEY] = ", ".join(uncomputed)
        rows.append(dataclasses.replace(r, cells=cells))
    # A merged range can also reach rows the reader skipped as blank.
    known = {r.line for r in rows}
    for line, values in sorted(fills.items()):
        if line not in known and any(values.values()) and line > table.header_line:
            rows.append(Row(line, {k: "" for k in table.headers} | values))
    rows.sort(key=lambda r: r.line)
    return dataclasses.replace(table, rows=tuple(rows))


# --- the whole file ---------------------------------------------------------------------


def read_people(path: Path) -> ReadResult:
    """Read and check every row of a directory file (CSV or .xlsx); nothing is written.

    Raises:
        ImportFileError: the file cannot be read, is empty, or has no recognisable headers.
    """
    table = read_table(path, COLUMNS, REQUIRED)
    if table.format == "xlsx":
        table = excel_fixups(table, Path(path).read_bytes())
    accepted: list[PersonRow] = []
    rejected: list[RejectedRow] = []
    for row in table.rows:
        formula = row.cells.get(_FORMULA_KEY)
        checked = check_row(row)
        problems = checked if isinstance(checked, list) else []
        if formula:
            problems = [
                t(
                    f"formule sans valeur calculée ({formula}) : ouvrez le classeur dans "
                    "Excel ou LibreOffice et enregistrez-le",
                    f"formula with no computed value ({formula}): open the workbook in Excel "
                    "or LibreOffice and save it",
                ),
                *problems,
            ]
        if problems:
            rejected.append(RejectedRow(row.line, " ; ".join(problems)))
        else:
            assert isinstance(checked, PersonRow)
            accepted.append(checked)
    return ReadResult(table, tuple(accepted), tuple(rejected))


_NOTICE: Final = (
    "Une ligne par personne ; une ligne sans nom de personne décrit seulement une organisation.",
    "Organisation : le nom complet (l'organisation est créée si elle n'existe pas encore).",
    "Sigle : facultatif (ex. CISCA).",
    "Type d'organisation : collectivité, service public, entreprise, association, "
    "enseignement, recherche ou autre.",
    "Membre : oui ou non. Membre depuis : jj/mm/aaaa ou l'année.",
    "Contact de l'organisation : adresse, standard… (facultatif).",
    "Prénom, Nom : une colonne « Nom et prénom » peut les remplacer (« DUPONT Jean »).",
    "Fonction, E-mail, Téléphone : facultatifs ; le téléphone est gardé tel qu'il est écrit.",
    "Accepte d'être nommé, Accepte les photos : oui ou non (vide : non).",
    "Une personne qui a la même adresse électronique qu'une fiche existante, ou le même nom "
    "dans la même organisation, est proposée à la fusion : rien n'est fusionné sans accord.",
)


def write_template(path: Path) -> None:
    """Write an empty directory file with the expected French headers (.csv or .xlsx).

    Raises:
        ImportFileError: another extension, or the file cannot be written.
    """
    write_template_file(
        path,
        sheet="Annuaire",
        headers=TEMPLATE_HEADERS,
        widths=(40, 12, 20, 10, 14, 30, 18, 22, 24, 30, 18, 12, 12),
        notice=_NOTICE,
    )
