"""The one cleaning of typed text: a line (every field, cell and answer) and lines of text (a
textarea)."""

from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.text import UNWANTED, clean_line, clean_text, has_nul

# Every kind the cleaning takes out, with ordinary text and spacing around it.
INVISIBLE = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c"]
    + ["\x7f", *(chr(c) for c in range(0x80, 0xA0) if c != 0x85)]
    + ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F))]
    + [*map(chr, range(0x2066, 0x206A)), "\u200b", "\u2060", "\u2063", "\ufeff", "\u00ad"]
    + ["\u180e", "\ufff9", "\U000e0001", "\U000e0041", "\u3164", "\uffa0", "\ufffe", "\ud800"]
)
SPACING = ["\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\u00a0", " "]
TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(INVISIBLE + SPACING + ["\u200c", "\u200d", "a", "ب"]),
    )
).map("".join)


def test_spacing_is_tidied_and_nothing_else_changes():
    assert clean_line("  Bu\u00a0Rina \t Sari\r\n") == "Bu Rina Sari"
    assert clean_line(None) == "" and clean_line(17) == "17"
    assert clean_line("SMA Negeri 1 Kota Bengkulu") == "SMA Negeri 1 Kota Bengkulu"


def test_control_characters_direction_overrides_and_invisible_ones_are_taken_out():
    assert clean_line("Sakit\x07 \x1b[31mmerah \u202eilabret\u202c a\x00b") == (
        "Sakit [31mmerah ilabret ab"
    )
    assert clean_line("\ufeff10\u200b799\u2060001\u200e") == "10799001"  # a pasted NPSN
    assert clean_line("Siti\U000e0069\U000e0067\U000e006e Aminah\u00ad") == "Siti Aminah"
    assert clean_line("\u3164") == ""  # a "blank" name


def test_a_line_break_of_any_kind_is_a_space_in_a_line():
    for spacing in SPACING:
        assert clean_line(f"Ujian{spacing}akhir") == "Ujian akhir", repr(spacing)


def test_joiners_stay_inside_a_word_and_go_elsewhere():
    family = "\U0001f469\u200d\U0001f467"  # one emoji, joined
    assert clean_line(f"Ibu {family}") == f"Ibu {family}"
    assert clean_line("می\u200cخواهم") == "می\u200cخواهم"  # Persian's non-joiner
    assert clean_line("\u200dRina\u200c \u200c\u200dSari\u200d\u200d") == "Rina Sari"
    assert clean_line("a\u200d\u200d\u200cb") == "a\u200db"


def test_lines_of_text_keep_their_breaks_and_tabs():
    assert clean_text("  Jl. Merpati\u202e No. 7 \r\nRT 007\rRW 002\u2028Kel.\tTimur  \n\n") == (
        "Jl. Merpati No. 7\nRT 007\nRW 002\nKel.\tTimur"
    )
    assert clean_text(None) == ""


@given(TEXT)
def test_a_clean_line_is_one_line_without_loose_spaces_or_unwanted_characters(text):
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip() and clean_line(line) == line
    assert not UNWANTED.search(line) and not has_nul(line)


@given(TEXT)
def test_clean_text_keeps_lines_and_holds_nothing_unwanted(text):
    cleaned = clean_text(text)
    assert not UNWANTED.search(cleaned) and clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "\r" not in cleaned
    assert clean_line(cleaned) == clean_line(text)  # the same words, in the same order


def test_a_nul_is_told_apart():
    assert has_nul("a\x00b") and not has_nul("ab") and not has_nul(None)
