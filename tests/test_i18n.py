"""Every user-facing string of the code is in the German catalogue."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

from workshop.i18n import LANGUAGES, catalogue, plural_catalogue, translator

ROOT = Path(__file__).resolve().parent.parent
# _('…'), N_('…') for later; counts: _.ngettext(one, many, n), _.plural_forms(one, many), NP_(one, many)
KEYWORDS = {'_': None, 'N_': None, 'ngettext': (1, 2), 'plural_forms': (1, 2), 'NP_': (1, 2)}


def _messages() -> list[str | tuple]:
    return [message for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / 'workshop', method_map=[('**.py', 'python')], keywords=KEYWORDS)]


def _msgids() -> set[str]:
    return {message if isinstance(message, str) else message[0] for message in _messages()}


def _plural_msgids() -> set[tuple[str, str]]:
    return {tuple(message[:2]) for message in _messages() if not isinstance(message, str)}


def test_code_has_translatable_strings():
    assert len(_msgids()) > 40


def test_german_catalogue_is_complete():
    missing = sorted(_msgids() - set(catalogue('de')))
    assert not missing, f'missing in workshop/locale/de/LC_MESSAGES/messages.po: {missing}'


def test_every_count_has_both_german_forms():
    found = _plural_msgids()
    assert len(found) >= 8
    missing = sorted(found - set(plural_catalogue('de')))
    assert not missing, f'missing plural forms in workshop/locale/de/LC_MESSAGES/messages.po: {missing}'


def test_counts_take_the_form_of_their_number():
    de, en = translator('de'), translator('en')
    assert de.ngettext('{n} idea', '{n} ideas', 1) == '1 Beitrag'
    assert de.ngettext('{n} idea', '{n} ideas', 0) == '0 Beiträge'
    assert de.ngettext('{n} dot cast', '{n} dots cast', 1) == '1 Punkt vergeben'
    assert de.ngettext('{n} dot cast', '{n} dots cast', 7) == '7 Punkte vergeben'
    assert en.ngettext('{n} idea', '{n} ideas', 1) == '1 idea' and en.ngettext('{n} idea', '{n} ideas', 2) == '2 ideas'
    assert de.plural_forms('{n} dot', '{n} dots') == ['{n} Punkt', '{n} Punkte']


def test_a_refusal_with_a_count_takes_its_form():
    from workshop.i18n import translate_error
    from workshop.services.errors import NP_, Invalid
    one = Invalid(NP_('Only one dot per idea.', 'At most {n} dots per idea.'), n=1)
    two = Invalid(NP_('Only one dot per idea.', 'At most {n} dots per idea.'), n=2)
    assert translate_error(translator('de'), one) == 'Nur ein Punkt pro Beitrag.'
    assert translate_error(translator('de'), two) == 'Höchstens 2 Punkte pro Beitrag.'
    assert str(one) == 'Only one dot per idea.' and str(two) == 'At most 2 dots per idea.'


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


# --- no user-facing text around the catalogue ---------------------------------------------------------------

import ast
import re

from workshop.i18n import PAGE_LANGUAGES, Translator, page_language

_WORDS = re.compile(r'[^\W\d_]{2,}')  # two letters in a row: a word, not "·", "…", "14:00" or "★"
# calls whose first argument (or these keywords) a person reads: ui.label('…'), ui.button('…'), frame('…'), …
_TEXT_KEYWORDS = {'label', 'placeholder', 'text', 'title', 'done_text', 'hint', 'message', 'content'}
_NOT_TEXT = {'page', 'image', 'query', 'add_head_html', 'add_body_html', 'colors', 'element', 'echart', 'timer',
             'icon', 'navigate', 'run_javascript', 'add_css', 'download'}
# the same in every language: the product's name, file formats, a checksum's name
_ALLOWED = {'Workshop', 'PDF', 'Word (DOCX)', 'Markdown', 'CSV', 'JSON'}


def _literal_texts(node: ast.expr) -> str | None:
    """The words a person would read in a literal (the constant parts of an f-string), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return ''.join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _untranslated(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        ui_call = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == 'ui' \
            and f.attr not in _NOT_TEXT
        setter = isinstance(f, ast.Attribute) and f.attr in ('set_text', 'tooltip', 'notify', 'page_title')
        own = isinstance(f, ast.Name) and f.id in ('frame', 'Countdown', 'error_page')
        if not (ui_call or setter or own):
            continue
        for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg in _TEXT_KEYWORDS)]:
            text = _literal_texts(arg)
            if text and _WORDS.search(text) and text.strip() not in _ALLOWED and not text.startswith('SHA-256 '):
                found.append(f'{path.relative_to(ROOT)}:{arg.lineno}: {text!r}')
    return found


def test_no_user_facing_literal_bypasses_the_catalogue():
    """A text a person reads is ``_('…')``: a plain literal would be English (or German) in both languages."""
    found = [hit for path in sorted((ROOT / 'workshop' / 'pages').glob('*.py')) for hit in _untranslated(path)]
    assert not found, 'user-facing text without _(…):\n' + '\n'.join(found)


def test_page_language_tags():
    assert page_language('de') == 'de'
    assert page_language('en') == 'en-GB'  # British spelling in the msgids: organisation, organiser
    assert page_language(None) == 'de' and page_language('xx') == 'de'
    assert set(PAGE_LANGUAGES) == set(LANGUAGES)


def test_a_translator_knows_its_language():
    assert Translator('en').language == 'en' and translator('xx').language == 'de'
    assert translator('en')('Join code') == 'Join code' and translator('de')('Join code') == 'Teilnahmecode'


def test_every_language_has_a_quasar_language_pack():
    import nicegui
    packs = Path(nicegui.__file__).parent / 'static' / 'lang'
    for tag in PAGE_LANGUAGES.values():
        assert (packs / f'{tag}.umd.prod.js').is_file(), tag
