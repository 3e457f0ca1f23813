"""The one cleaning of a typed line of text."""

from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.text import clean_line


def test_spacing_is_tidied_and_nothing_else_changes():
    assert clean_line("  Bu\u00a0Rina \t Sari\r\n") == "Bu Rina Sari"
    assert clean_line(None) == "" and clean_line(17) == "17"


@given(st.text())
def test_a_clean_line_is_one_line_without_loose_spaces_and_stays_clean(text):
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip() and clean_line(line) == line
    assert line.split() == text.split()  # the words are kept, in order
