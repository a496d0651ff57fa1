import pytest

from workshop.services.errors import Invalid
from workshop.services.text import clean_optional, clean_text


def test_clean_text_normalises_whitespace_controls_and_invisibles():
    assert clean_text(' a \t b\n c ', max_length=10) == 'a b c'
    assert clean_text('line 1\n\n\n\nline 2', max_length=50, multiline=True) == 'line 1\n\nline 2'
    assert clean_text('Cafe\u0301', max_length=10) == 'Café'  # NFC: one character
    assert clean_text('a\u202eb\u200dc\ufeff', max_length=10) == 'abc'
    assert clean_text('مرحبا', max_length=10) == 'مرحبا'


def test_clean_text_limits():
    with pytest.raises(Invalid):
        clean_text('', max_length=5)
    with pytest.raises(Invalid) as e:
        clean_text('abcdef', max_length=5, field='Name')
    assert e.value.params == {'field': 'Name', 'length': 6, 'max': 5}


def test_clean_optional():
    assert clean_optional('   ', max_length=5, field='Name') is None
    assert clean_optional(None, max_length=5, field='Name') is None
    assert clean_optional(' Bo ', max_length=5, field='Name') == 'Bo'
