"""Finding a kecamatan or kelurahan from what people write: official codes, or names written
with other case, spacing, "Kec."/"Kel." prefixes and the spelling variants of real data."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from outreach.domain.problems import N_, Invalid

_PREFIX = re.compile(
    r"^\s*(kecamatan|kelurahan|kec|kel|desa|ds)(\s*\.\s*|\s+)", flags=re.IGNORECASE
)
_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}(\.\d{4})?$")

# Spellings found in real listings → the key of the official name (outreach/data/SOURCES.md).
ALIASES = {
    "kebungerand": "kebungeran",  # Kemendikdasmen listing; official "Kebun Geran"
    "bumiayu": "bumuayu",  # widely written "Bumi Ayu"; the official list says "Bumu Ayu"
}


def region_key(name: str) -> str:
    """ "Kec. Muara Bangka Hulu" and "MUARA BANGKAHULU" → "muarabangkahulu"."""
    text = _PREFIX.sub("", name or "")
    key = re.sub(r"[^0-9a-z]", "", text.lower())
    return ALIASES.get(key, key)


def names_a_kecamatan(text: str) -> bool:
    """True for a cell such as "Kec. Selebar" (listings put it where the kelurahan belongs)."""
    return bool(re.match(r"^\s*(kecamatan|kec)\b", text or "", flags=re.IGNORECASE))


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent_code: str | None = None  # the kecamatan of a kelurahan


class RegionIndex:
    """Look-ups over the reference regions, built once per form or import."""

    def __init__(self, kecamatan: Iterable[Region], kelurahan: Iterable[Region]):
        self.kecamatan = {region.code: region for region in kecamatan}
        self.kelurahan = {region.code: region for region in kelurahan}

    # Built on the first look-up by name: a file that gives codes never pays for the keys of
    # 80,000 names.
    @cached_property
    def _kecamatan_by_key(self) -> dict[str, list[Region]]:
        return _by_key(self.kecamatan.values())

    @cached_property
    def _kelurahan_by_key(self) -> dict[str, list[Region]]:
        return _by_key(self.kelurahan.values())

    def find_kecamatan(self, text: str) -> Region:
        text = (text or "").strip()
        if _CODE.match(text):
            if text in self.kecamatan:
                return self.kecamatan[text]
            raise Invalid(N_("Unknown kecamatan code %(code)s."), code=text)
        found = self._kecamatan_by_key.get(region_key(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Invalid(
                N_("Several kecamatan are called %(name)s: give the code instead."), name=text
            )
        raise Invalid(
            N_("Unknown kecamatan %(name)s.%(hint)s"),
            name=text,
            hint=self._hint(text, [r.name for r in self.kecamatan.values()]),
        )

    def find_kelurahan(self, text: str, kecamatan: Region | None = None) -> Region:
        """The kelurahan named ``text``; within ``kecamatan`` when it is known."""
        text = (text or "").strip()
        if _CODE.match(text):
            found = [self.kelurahan[text]] if text in self.kelurahan else []
            if not found:
                raise Invalid(N_("Unknown kelurahan code %(code)s."), code=text)
        else:
            found = self._kelurahan_by_key.get(region_key(text), [])
        if kecamatan is not None:
            inside = [region for region in found if region.parent_code == kecamatan.code]
            if inside:
                return inside[0]
            if found:
                raise Invalid(
                    N_("Kelurahan %(kelurahan)s is not in Kecamatan %(kecamatan)s."),
                    kelurahan=found[0].name,
                    kecamatan=kecamatan.name,
                )
            names = [r.name for r in self.kelurahan.values() if r.parent_code == kecamatan.code]
            raise Invalid(
                N_("Unknown kelurahan %(name)s in Kecamatan %(kecamatan)s.%(hint)s"),
                name=text,
                kecamatan=kecamatan.name,
                hint=self._hint(text, names),
            )
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Invalid(
                N_("Several kelurahan are called %(name)s: give the kecamatan too."), name=text
            )
        raise Invalid(
            N_("Unknown kelurahan %(name)s.%(hint)s"),
            name=text,
            hint=self._hint(text, [r.name for r in self.kelurahan.values()]),
        )

    @staticmethod
    def _hint(text: str, names: list[str]) -> str:
        by_key = {region_key(name): name for name in names}
        close = difflib.get_close_matches(region_key(text), list(by_key), n=1, cutoff=0.75)
        return f" ({by_key[close[0]]}?)" if close else ""


def _by_key(regions: Iterable[Region]) -> dict[str, list[Region]]:
    found: dict[str, list[Region]] = {}
    for region in regions:
        found.setdefault(region_key(region.name), []).append(region)
    return found
