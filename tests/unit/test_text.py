"""The one cleaning of a typed line of text."""

from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.text import _INVISIBLE, clean_line


def test_spacing_is_tidied_and_nothing_else_changes():
    assert clean_line("  Bu\u00a0Rina \t Sari\r\n") == "Bu Rina Sari"
    assert clean_line(None) == "" and clean_line(17) == "17"


@given(st.text())
def test_a_clean_line_is_one_line_without_loose_spaces_and_stays_clean(text):
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip() and clean_line(line) == line
    assert line.split() == _INVISIBLE.sub("", text).split()  # the words are kept, in order
    assert not _INVISIBLE.search(line)


def test_control_characters_and_direction_overrides_are_taken_out():
    assert clean_line("Sakit\x07 \x1b[31mmerah \u202eilabret\u202c a\x00b") == (
        "Sakit [31mmerah ilabret ab"
    )
