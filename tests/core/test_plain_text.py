"""What people type is kept as typed, unless a reader could not see it or it reorders what they see."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmentoring.core.forms import describe_character, hidden_character, plain_text

WALES = "\U0001F3F4\U000E0067\U000E0062\U000E0077\U000E006C\U000E0073\U000E007F"


@pytest.mark.parametrize("text", [
    f"Diolch o galon {WALES}",  # a flag made of tag characters
    "Co\u00adoperation",  # a soft hyphen from a word processor
    "\u0633\u0644\u0627\u0645 \u200d",  # a joiner
])
def test_real_text_passes_on_one_line_and_in_a_textarea(text):
    assert plain_text(text) == (text, None)
    assert plain_text(text, multiline=True) == (text, None)


@pytest.mark.parametrize("text", ["Tab\tseparated", "Mixed \u05e9\u05dc\u05d5\u05dd\u200e text", "Two\nlines"])
def test_tabs_marks_and_line_breaks_pass_in_a_textarea_only(text):
    assert plain_text(text, multiline=True)[1] is None
    assert plain_text(text)[1] == "hidden"


def test_a_pasted_byte_order_mark_at_the_start_is_dropped():
    assert plain_text("\ufeffHello") == ("Hello", None)
    assert plain_text("Hel\ufefflo")[1] == "hidden"


@pytest.mark.parametrize(("text", "said"), [
    ("abc\u202edef", "U+202E (right-to-left override)"),
    ("abc\u2066def", "U+2066 (left-to-right isolate)"),
    ("abc\u200bdef", "U+200B (zero width space)"),
    ("abc\x0bdef", "a line break"),
    ("abc\x00def", "U+0000"),
])
def test_overrides_isolates_zero_widths_and_controls_are_refused_and_named(text, said):
    assert plain_text(text, multiline=True)[1] == "hidden"
    assert describe_character(hidden_character(text, multiline=True)) == said


@given(st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp"],
                                      exclude_characters="\n\r\t\u200c\u200d\u00ad\u200e\u200f\ufeff"), min_size=1),
       st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1))
def test_any_other_control_or_format_character_is_refused(hidden, visible):
    if all(0xE0020 <= ord(c) < 0xE0080 for c in hidden):
        return  # emoji tag characters on their own
    assert plain_text(visible + hidden + visible, multiline=True)[1] == "hidden"
