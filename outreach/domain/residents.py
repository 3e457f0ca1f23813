"""Cells of a resident import and form fields as people write them: sex, category, kind of
disability, yes/no, how the request came in, RT/RW."""

from __future__ import annotations

import re

from outreach.domain.problems import N_, Invalid


def _key(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


_SEX = {"l": "m", "lk": "m", "laki": "m", "lakilaki": "m", "pria": "m", "m": "m", "male": "m",
        "p": "f", "pr": "f", "perempuan": "f", "wanita": "f", "f": "f", "female": "f"}  # fmt: skip
_CATEGORY = {
    "lansia": "lansia", "elderly": "lansia", "lanjutusia": "lansia",
    "disabilitas": "disabilitas", "disabled": "disabilitas", "difabel": "disabilitas",
    "penyandangdisabilitas": "disabilitas",
    "both": "both", "keduanya": "both", "lansiadisabilitas": "both",
    "lansiadandisabilitas": "both",
}  # fmt: skip
_DISABILITY = {
    "physical": "physical", "fisik": "physical", "daksa": "physical", "tunadaksa": "physical",
    "visual": "visual", "netra": "visual", "tunanetra": "visual", "sensoriknetra": "visual",
    "hearingspeech": "hearing_speech", "rungu": "hearing_speech", "wicara": "hearing_speech",
    "runguwicara": "hearing_speech", "tunarungu": "hearing_speech",
    "tunawicara": "hearing_speech", "sensorikrungu": "hearing_speech",
    "sensorikwicara": "hearing_speech",
    "intellectual": "intellectual", "intelektual": "intellectual", "grahita": "intellectual",
    "tunagrahita": "intellectual",
    "mental": "mental", "psikososial": "mental", "mentalpsikososial": "mental",
    "multiple": "multiple", "ganda": "multiple", "multi": "multiple", "majemuk": "multiple",
    # The app's own labels, in Indonesian and English (outreach.labels.DISABILITY_LABELS; a
    # test holds that every one is here): a file exported from the app imports back.
    "hearingorspeech": "hearing_speech", "runguatauwicara": "hearing_speech",
    "hearing": "hearing_speech", "speech": "hearing_speech", "tunarunguwicara": "hearing_speech",
    "mentalorpsychosocial": "mental", "mentalataupsikososial": "mental",
    "psychosocial": "mental",
}  # fmt: skip
# What a list writes where the kind is not known yet (the labels "Belum diketahui" and "Not
# known yet" among them); "-" or "—" alone has no letter and comes out as "".
_DISABILITY_NOT_KNOWN = {"", "belumdiketahui", "tidakdiketahui", "unknown", "notknown",
                         "notknownyet", "belumtahu", "tidaktahu"}  # fmt: skip
# Lists often name the kind after the word for disability: "Disabilitas Fisik".
_DISABILITY_PREFIXES = ("penyandangdisabilitas", "disabilitas", "penyandang")
_YES = {"ya", "y", "yes", "1", "true", "benar", "iya", "v", "x"}
_NO = {"tidak", "t", "no", "n", "0", "false", "bukan", "tdk", ""}
_CHANNEL = {
    "phone": "phone", "telepon": "phone", "telp": "phone", "tlp": "phone",
    "whatsapp": "whatsapp", "wa": "whatsapp",
    "rtrw": "rt_rw", "rt": "rt_rw", "rw": "rt_rw", "ketuart": "rt_rw", "ketuarw": "rt_rw",
    "kelurahan": "kelurahan", "lurah": "kelurahan", "desa": "kelurahan",
    "walkin": "walk_in", "datang": "walk_in", "datanglangsung": "walk_in",
    "kantor": "walk_in",
    "other": "other", "lainnya": "other", "lain": "other",
}  # fmt: skip


def parse_sex(raw: object) -> str:
    found = _SEX.get(_key(raw))
    if found is None:
        raise Invalid(N_("Write the sex as L or P."))
    return found


def parse_category(raw: object) -> str:
    found = _CATEGORY.get(_key(raw))
    if found is None:
        raise Invalid(N_("The category is lansia, disabilitas or both."))
    return found


def parse_disability(raw: object) -> str | None:
    """The kind of disability a cell names, or None where it says the kind is not known yet
    ("-", "belum diketahui", "unknown" …)."""
    key = _key(raw)
    if key in _DISABILITY_NOT_KNOWN:
        return None
    for prefix in _DISABILITY_PREFIXES:
        if key.startswith(prefix) and key != prefix:
            key = key.removeprefix(prefix)
            break
    found = _DISABILITY.get(key)
    if found is None:
        raise Invalid(
            N_(
                "The kind of disability is fisik, netra, rungu/wicara, intelektual, mental or "
                "ganda; leave it empty (or write -) when it is not known yet."
            )
        )
    return found


def parse_yes_no(raw: object) -> bool:
    key = _key(raw)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise Invalid(N_("Write ya or tidak."))


def parse_channel(raw: object) -> str:
    found = _CHANNEL.get(_key(raw))
    if found is None:
        raise Invalid(
            N_(
                "Say how the request came in: telepon, whatsapp, rt/rw, kelurahan, datang or "
                "lainnya."
            )
        )
    return found


def parse_rt_rw(raw: object) -> str:
    """ "7", "07", "007" → "007"; up to three digits."""
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 3) or int(text) == 0:
        raise Invalid(N_("RT and RW are numbers of up to three digits, e.g. 007."))
    return f"{int(text):03d}"
