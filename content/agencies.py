"""The register of licensed private employment agencies, imported from the ministry's list.

`python -m content import-agencies FILE` reads the list as published (CSV or XLSX: name,
licence number and date, countries, status) into a dated table of the SQLite database; the
agency_check flow looks a typed name up in the newest list. No agency is shipped with Sapar.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from difflib import SequenceMatcher
from pathlib import Path

from sqlite_utils import Database, Migrations

agency_migrations = Migrations("sapar_agencies")

LICENSED, SUSPENDED, REVOKED = "licensed", "suspended", "revoked"
FOUND_AT = 0.8       # this close (0..1) means "this is the agency"
SIMILAR_AT = 0.6     # this close is offered as "did you mean"
MAX_QUERY = 120


@agency_migrations()
def m001_agency_register(db: Database) -> None:
    """Create the dated lists and their entries (one row per agency per imported list)."""
    db["agency_lists"].create(
        {"id": int, "list_date": str, "imported_at": str, "source": str, "entries": int},
        pk="id",
    )
    db["agencies"].create(
        {"list_id": int, "name": str, "name_key": str, "licence_number": str,
         "licence_date": str, "countries": str, "status": str, "status_text": str},
        foreign_keys=[("list_id", "agency_lists", "id")],
    )
    db["agencies"].create_index(["list_id"])


class AgencyFileError(ValueError):
    """The agency file cannot be read; the message says what is wrong (and which row)."""


# ----- names -------------------------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
# Latin spellings of one Cyrillic sound, folded to one form (zh/dj/j -> j, kh/x -> h, ...)
_LATIN_FOLDS = (("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("x", "h"), ("w", "v"),
                ("q", "k"), ("c", "ts"), ("y", "i"), ("ph", "f"))
_LEGAL_FORMS = {"ooo", "osoo", "llc", "ltd", "ip", "kompaniia", "company", "co",
                "agentstvo", "agency", "chastnoe", "private", "ao", "jsc", "mchj"}


def name_key(name: str) -> str:
    """Fold an agency name to lowercase Latin letters and digits, whatever script it is in.

    «Жумуш Сервис» ОсОО, "Jumush Servis", "zhumush servis llc" all give "jumush servis".
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ı", "i")
    words = []
    for word in re.split(r"[^a-z0-9]+", text):
        if not word or word in _LEGAL_FORMS:
            continue
        for latin, folded in _LATIN_FOLDS:
            word = word.replace(latin, folded)
        if word not in _LEGAL_FORMS:
            words.append(re.sub(r"(.)\1+", r"\1", word))
    return " ".join(words)


def similarity(query: str, name: str) -> float:
    """Return how close a typed name is to a listed one (both already folded), 0..1."""
    if not query or not name:
        return 0.0
    whole = SequenceMatcher(None, query, name).ratio()
    if query.replace(" ", "") == name.replace(" ", ""):
        return 1.0
    query_words, name_words = query.split(), name.split()
    per_word = [max(SequenceMatcher(None, q, n).ratio() for n in name_words)
                for q in query_words]
    words = sum(per_word) / len(per_word)
    # every typed word matches, but the name has more words: a little less than exact
    coverage = len(query_words) / max(len(name_words), len(query_words))
    return max(whole, words * (0.85 + 0.15 * coverage))


# ----- reading the published file ------------------------------------------------------------

COLUMNS = {
    "name": ("name", "agency", "company", "наименование", "название", "организация",
             "агентство", "аталышы", "аталыш", "уюм", "наименование организации"),
    "licence_number": ("licence number", "license number", "licence", "license", "number",
                       "№", "номер", "номер лицензии", "номер разрешения", "разрешение",
                       "лицензия", "уруксат", "уруксат номери"),
    "licence_date": ("licence date", "license date", "date", "issued", "дата", "дата выдачи",
                     "дата лицензии", "дата разрешения", "берилген күнү", "күнү"),
    "countries": ("countries", "country", "страны", "страна", "страны трудоустройства",
                  "өлкөлөр", "өлкө"),
    "status": ("status", "статус", "состояние", "абалы", "статусу"),
}
_STATUS_WORDS = (
    (SUSPENDED, ("suspend", "приостан", "токтотул")),
    (REVOKED, ("revok", "annul", "cancel", "отозван", "аннулир", "прекращ", "жокко",
               "кайтарылып")),
    (LICENSED, ("active", "valid", "licensed", "действ", "выдан", "продлен", "возобнов",
                "restored", "reinstated", "күчүндө", "жарактуу", "берилген")),
)


def status_of(text: str) -> str:
    """Map a published status ("действует", "приостановлено", ...) to one of three kinds.

    An empty status counts as licensed (the list is of licensed agencies); a status we cannot
    read counts as suspended, the cautious reading.
    """
    lowered = text.strip().lower()
    if not lowered:
        return LICENSED
    for kind, stems in _STATUS_WORDS:
        if any(stem in lowered for stem in stems):
            return kind
    return SUSPENDED


def _header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        label = re.sub(r"\s+", " ", str(cell or "").strip().lower().rstrip(":"))
        for column, aliases in COLUMNS.items():
            if column not in found and label in aliases:
                found[column] = index
    if "name" not in found:
        raise AgencyFileError(
            "no name column: the first row must name the columns (e.g. name, licence number, "
            "licence date, countries, status; Russian or Kyrgyz headers work too)")
    return found


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_rows(path: Path) -> list[list[str]]:
    """Return the rows of a CSV or XLSX file as strings (the header row first)."""
    if not path.is_file():
        raise AgencyFileError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise AgencyFileError(f"{path}: not a readable XLSX file ({error})") from None
        sheet = book.active
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AgencyFileError(f"{path}: not UTF-8 or Windows-1251 text")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise AgencyFileError(f"{path}: the file is empty")
    return rows


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header may follow a title line or two: return the first row naming a name column."""
    for index, header in enumerate(rows[:10]):
        try:
            return index, _header_map(header)
        except AgencyFileError:
            continue
    return 0, _header_map(rows[0])  # raises, naming what is missing


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    list_id: int
    list_date: date
    imported: int
    skipped: tuple[str, ...]


def import_agencies(db: Database, path: Path, list_date: date,
                    now: datetime | None = None) -> ImportResult:
    """Read the published list into a new dated list in the database (older lists stay)."""
    rows = read_rows(path)
    start, columns = _find_header(rows)
    entries, skipped = [], []
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        def get(column: str, row: list[str] = row) -> str:
            index = columns.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        name = get("name")
        if not name or not name_key(name):
            skipped.append(f"row {number}: no agency name")
            continue
        status_text = get("status")
        entries.append({"name": name, "name_key": name_key(name),
                        "licence_number": get("licence_number"),
                        "licence_date": get("licence_date"), "countries": get("countries"),
                        "status": status_of(status_text), "status_text": status_text})
    if not entries:
        raise AgencyFileError(f"{path}: no agency rows found under the header")
    agency_migrations.apply(db)
    moment = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with db.conn:
        lists = db["agency_lists"]
        lists.insert({"list_date": list_date.isoformat(), "imported_at": moment,
                      "source": path.name, "entries": len(entries)})
        list_id = int(lists.last_pk)
        db["agencies"].insert_all({**entry, "list_id": list_id} for entry in entries)
    return ImportResult(list_id, list_date, len(entries), tuple(skipped))


# ----- looking a name up -------------------------------------------------------------------

@dataclass(frozen=True)
class Agency:
    """One agency of an imported list."""

    name: str
    licence_number: str
    licence_date: str
    countries: str
    status: str


@dataclass(frozen=True)
class Match:
    """A listed agency and how close it is to what the person typed (0..1)."""

    agency: Agency
    score: float

    @property
    def exact(self) -> bool:
        """Return True when the name is close enough to say "this is the agency"."""
        return self.score >= FOUND_AT


class Register:
    """The newest imported list, read from one database connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def list_date(self) -> date | None:
        """Return the date of the newest list, or None when none was imported."""
        try:
            row = self.conn.execute(
                "SELECT list_date FROM agency_lists ORDER BY list_date DESC, id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error:
            return None
        return date.fromisoformat(row[0]) if row else None

    def lookup(self, query: str, limit: int = 3) -> list[Match]:
        """Return the listed agencies closest to a typed name, best first."""
        key = name_key(query[:MAX_QUERY])
        if not key:
            return []
        try:
            rows = self.conn.execute(
                "SELECT name, name_key, licence_number, licence_date, countries, status "
                "FROM agencies WHERE list_id = (SELECT id FROM agency_lists "
                "ORDER BY list_date DESC, id DESC LIMIT 1)").fetchall()
        except sqlite3.Error:
            return []
        scored = [Match(Agency(r[0], r[2] or "", r[3] or "", r[4] or "", r[5]),
                        similarity(key, r[1])) for r in rows]
        scored = [m for m in scored if m.score >= SIMILAR_AT]
        scored.sort(key=lambda m: (-m.score, m.agency.name))
        return scored[:limit]


_active: Register | None = None


def configure(db: Database | sqlite3.Connection | None) -> None:
    """Point lookups at a database (the bot's runtime or a test); None forgets it."""
    global _active
    if db is None:
        _active = None
        return
    conn = db.conn if isinstance(db, Database) else db
    _active = Register(conn)


_opened: dict[Path, Register] = {}


def default_database_path() -> Path:
    """Return where the bot keeps its database: SAPAR_DATA_DIR from the environment or the
    `.env` file (as bot.settings reads it), else ./data."""
    data_dir = os.environ.get("SAPAR_DATA_DIR", "").strip()
    if not data_dir and Path(".env").is_file():
        from dotenv import dotenv_values

        data_dir = (dotenv_values(".env").get("SAPAR_DATA_DIR") or "").strip()
    return Path(data_dir or "./data") / "sapar.db"


def active_register() -> Register | None:
    """Return the register to look names up in: the configured one, else the bot's database
    file opened read-only (once) when it exists, else None."""
    if _active is not None:
        return _active
    path = default_database_path().resolve()
    if path in _opened:
        return _opened[path]
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    _opened[path] = Register(conn)
    return _opened[path]
