"""Every user-facing string has its Indonesian translation, and the compiled catalogue is fresh."""

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "outreach" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    for method, folder in (("python", "outreach"), ("jinja2", "templates")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(locale: str):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def test_every_string_in_code_and_templates_has_an_indonesian_translation():
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue("id")
        if m.id
        and m.string
        and (all(m.string) if isinstance(m.string, tuple) else True)
        and "fuzzy" not in m.flags
    }
    missing = sorted(extracted_ids() - translated)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


def messages(compiled) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in compiled if m.id}


def test_the_compiled_catalogues_match_their_sources():
    for locale in ("id", "en"):
        with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.mo", "rb") as fh:
            compiled = messages(read_mo(fh))
        buffer = BytesIO()
        write_mo(buffer, catalogue(locale))
        buffer.seek(0)
        fresh = messages(read_mo(buffer))
        assert compiled == fresh, f"{locale}: run `make translations` to recompile"


def test_indonesian_plurals_keep_the_number_the_english_plural_shows():
    """Indonesian has one plural form: msgstr[0] serves every count, so it must show it."""
    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[2] / "outreach/translations/id/LC_MESSAGES/messages.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh)
    lost = [
        message.id
        for message in catalogue
        if isinstance(message.id, tuple)
        and "%(num)" in message.id[1]
        and "%(num)" not in (message.string[0] if message.string else "")
    ]
    assert lost == []


# Words docs/GLOSSARY.md replaced with one name: (language, forbidden pattern, the glossary's word).
GLOSSARY_REPLACED = (
    ("id", r"\bpenghubung\b", "operator sekolah"),
    ("id", r"\bPIC\b", "operator sekolah"),
    ("id", r"\bnomor ponsel\b", "nomor HP"),
    ("id", r"\bpenutupan\b", "hari libur / libur lokal"),
    ("id", r"\bblackout\b", "periode tanpa kunjungan"),
    ("id", r"(?<!%\()\bemail\b", "e-mail"),
    ("id", r"\btidak wajib\b", "opsional"),
    ("id", r"\bTak memungkinkan\b", "Belum layak direkam"),
    ("id", r"\bterbaring sakit\b", "tirah baring"),
    ("id", r"\bpersinggahan\b", "kunjungan (its number: urutan)"),
    ("id", r"\bdipindah\b", "dipindahkan"),
    ("id", r"\bbelum rekam\b", "belum terekam"),
    ("id", r"\bterlambat\b", "lewat tanggal"),
    ("en", r"\bliaison officers?\b", "school liaison"),
    ("en", r"\bAlready recorded\b", "Recorded before"),
)


def test_the_interface_uses_the_glossarys_words():
    import re

    texts = {"en": [], "id": []}
    for message in catalogue("id"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts["en"].extend(ids)
        texts["id"].extend(s for s in strings if s)
    found = [
        f"{language}: {text!r} (say {word!r})"
        for language, pattern, word in GLOSSARY_REPLACED
        for text in texts[language]
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert found == []


def test_each_translation_keeps_the_placeholders_of_its_english():
    """A translation naming a placeholder the code does not pass raises at render (a 500)."""
    import re

    placeholder = re.compile(r"%\((\w[\w-]*)\)[sd]")
    wrong = []
    for locale in ("id", "en"):
        for message in catalogue(locale):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(placeholder.findall(" ".join(ids)))
            for text in strings:
                if text and not set(placeholder.findall(text)) <= wanted:
                    wrong.append(f"{locale}: {text!r} for {ids[0]!r}")
    assert wrong == []
