"""Every user-facing string of the code is in the German catalogue."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

from workshop.i18n import LANGUAGES, catalogue, translator

ROOT = Path(__file__).resolve().parent.parent


def _msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / 'workshop', method_map=[('**.py', 'python')], keywords={'_': None, 'N_': None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_code_has_translatable_strings():
    assert len(_msgids()) > 40


def test_german_catalogue_is_complete():
    missing = sorted(_msgids() - set(catalogue('de')))
    assert not missing, f'missing in workshop/locale/de/LC_MESSAGES/messages.po: {missing}'


def test_catalogue_placeholders_match():
    import re
    for msgid, msgstr in catalogue('de').items():
        assert set(re.findall(r'{(\w+)}', msgid)) == set(re.findall(r'{(\w+)}', msgstr)), msgid


def test_translator_falls_back_to_english_and_formats():
    de, en = translator('de'), translator('en')
    assert de('{n} online', n=3) == '3 online'
    assert de('Next question') == 'Nächste Frage'
    assert en('Next question') == 'Next question'
    assert translator('xx')('Next question') == 'Nächste Frage'  # unknown language: the default
    assert set(LANGUAGES) == {'de', 'en'}
