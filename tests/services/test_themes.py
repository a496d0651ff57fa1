"""Theme suggestions (workshop/services/themes.py) on labelled ideas: precision first, then the edge cases."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.services.theme_data import Labelled, load, pairwise, variations
from workshop.services.themes import ThemeSuggestion, _split_compound, suggest_themes

ROOT = Path(__file__).resolve().parents[2]


def _suggest(data: Labelled) -> list[ThemeSuggestion]:
    return suggest_themes(data.texts, language=data.language)


def _check_shape(suggestions: list[ThemeSuggestion], ids: set[int]) -> None:
    seen: set[int] = set()
    for s in suggestions:
        assert len(s.idea_ids) >= 2
        assert list(s.idea_ids) == sorted(s.idea_ids)
        assert set(s.idea_ids) <= ids
        assert not seen & set(s.idea_ids), 'an idea is in one suggestion at most'
        seen |= set(s.idea_ids)
        assert 0.0 <= s.score <= 1.0
        assert s.title.strip() and not s.title[:1].islower()
        assert len(s.title.replace(',', ' ').split()) <= 3 and len(s.title) <= 60, s.title


# --- the scoring ---------------------------------------------------------------------------------------------

def test_pairwise_counts_pairs_within_groups_against_labels():
    labels = {1: 'a', 2: 'a', 3: 'a', 4: 'b', 5: 'b', 6: None, 7: None}
    scores = pairwise([(1, 2, 4), (6, 7)], labels)
    # suggested pairs: 1-2 (right), 1-4, 2-4, 6-7 (both unlabelled: wrong); labelled pairs: 1-2, 1-3, 2-3, 4-5
    assert (scores.suggested_pairs, scores.true_pairs, scores.clustered) == (4, 4, 5)
    assert scores.precision == pytest.approx(1 / 4)
    assert scores.recall == pytest.approx(1 / 4)
    assert pairwise([], labels).precision == 1.0 and pairwise([], labels).recall == 0.0


# --- quality on the labelled sets ------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['themes_de', 'themes_de_holdout', 'themes_en'])
def test_precision_on_the_labelled_ideas(name):
    data = load(name)
    suggestions = _suggest(data)
    scores = pairwise((s.idea_ids for s in suggestions), data.labels)
    report = f'{name}: precision {scores.precision:.2f}, recall {scores.recall:.3f}, {len(suggestions)} suggestions'
    print(report)  # shown with -s; docs/themes.md has the figures
    assert scores.precision >= 0.8, report
    # recall comes second, but the method must still find something: ~0.06–0.13 measured (docs/themes.md)
    assert scores.recall >= 0.05, report
    assert scores.clustered >= len(data.ideas) // 5, report
    _check_shape(suggestions, set(data.labels))


def test_the_labelled_set_is_as_the_docs_say():
    data = load('themes_de')
    themes = {theme for _, _, theme in data.ideas if theme}
    assert len(data.ideas) >= 72 and len(themes) >= 6
    assert sum(1 for _, _, theme in data.ideas if theme is None) >= 5
    english = load('themes_en')
    assert len(english.ideas) >= 30 and len({t for _, _, t in english.ideas if t}) >= 4


def test_german_themes_are_named_by_their_words():
    data = load('themes_de')
    by_title = {s.title: s for s in _suggest(data)}
    for title, theme in [('Wasserstoff', 'energie'), ('Fachkräfte', 'fachkraefte'), ('Kooperation', 'vernetzung'),
                         ('Daten', 'digital'), ('Förderung', 'foerderung')]:
        assert title in by_title, sorted(by_title)
        assert {data.labels[i] for i in by_title[title].idea_ids} == {theme}
    # titles come from the ideas' own words: each word starts like a word of one of its ideas
    texts = {i: text.casefold() for i, text in data.texts}
    for s in by_title.values():
        for word in s.title.split(', '):
            assert any(word[:5].casefold() in texts[i] for i in s.idea_ids), (s.title, s.idea_ids)


def test_ideas_that_fit_no_theme_stay_unclustered():
    data = load('themes_de')
    clustered = {i for s in _suggest(data) for i in s.idea_ids}
    assert not {i for i, theme in data.labels.items() if theme is None} & clustered
    # ideas about different things: nothing to suggest
    assert suggest_themes([(1, 'Mehr Wasserstoff für die Industrie'), (2, 'Fachkräfte aus dem Ausland anwerben'),
                           (3, 'Die Verwaltung digitalisieren'), (4, 'Kaffee!')]) == []


@pytest.mark.parametrize('name', ['themes_de', 'themes_en'])
def test_a_thousand_ideas_quickly_and_still_precise(name):
    data = variations(load(name), 1000)
    suggest_themes([(1, 'Wasserstoff')], language=data.language)  # loads the dictionary (about 1 s, once)
    start = time.perf_counter()
    suggestions = _suggest(data)
    seconds = time.perf_counter() - start
    scores = pairwise((s.idea_ids for s in suggestions), data.labels)
    assert scores.precision >= 0.8, scores
    # under 1 s on a quiet machine (bench/themes.py: ~0.3 s); the bound only catches a slower algorithm,
    # not a busy test machine
    assert seconds < 5, seconds
    _check_shape(suggestions, set(data.labels))


# --- the method's pieces --------------------------------------------------------------------------------------

def test_compounds_typos_and_word_families_bring_ideas_together():
    assert _split_compound('Fachkräftemangel', 'de') == ('Fachkräfte', 'Mangel')
    assert _split_compound('Wasserstoffnetz', 'de') == ('Wasserstoff', 'Netz')
    assert _split_compound('Berufsorientierung', 'de') == ('Beruf', 'Orientierung')
    assert _split_compound('Kaffee', 'de') is None
    ideas = [(1, 'Wasserstoffnetz im Hafen'), (2, 'Grüner Wasserstoff aus Windstrom'), (3, 'Wasserstof-Tankstellen'),
             (10, 'Digitalisierung der Verwaltung'), (11, 'Digitalsierung in KMU'), (12, 'Digitalisierungslotsen'),
             (20, 'Förderprogramme vereinfachen'), (21, 'Förderung für Start-ups'), (22, 'Mehr Fördermittel für KMU')]
    by_title = {s.title: s.idea_ids for s in suggest_themes(ideas)}
    assert by_title == {'Wasserstoff': (1, 2, 3), 'Digitalisierung': (10, 11, 12), 'Förderung': (20, 21, 22)}


def test_english():
    ideas = [(1, 'Green hydrogen from wind power'), (2, 'A hydrogen pipeline to the port'),
             (3, 'Hydrogen buses'), (4, 'More funding for start-ups'), (5, 'Funding programmes are too complex'),
             (6, 'Please more coffee')]
    by_title = {s.title: s.idea_ids for s in suggest_themes(ideas, language='en')}
    assert by_title == {'Hydrogen': (1, 2, 3), 'Funding': (4, 5)}
    assert suggest_themes(ideas, language='EN') == suggest_themes(ideas, language='en-GB')


# --- determinism and edge cases -------------------------------------------------------------------------------

def test_the_same_in_any_order():
    data = load('themes_de')
    expected = _suggest(data)
    shuffled = list(data.texts)
    random.Random(3).shuffle(shuffled)
    assert suggest_themes(shuffled) == expected
    assert suggest_themes(tuple(shuffled)) == expected


def test_the_same_in_another_process_with_another_hash_seed():
    data = load('themes_de')
    expected = [[s.title, list(s.idea_ids), s.score] for s in _suggest(data)]
    script = ('import json, sys\n'
              'from workshop.services.themes import suggest_themes\n'
              'texts = [tuple(t) for t in json.load(sys.stdin)]\n'
              'print(json.dumps([[s.title, list(s.idea_ids), s.score] for s in suggest_themes(texts)]))\n')
    for seed in ('1', '4242'):
        done = subprocess.run([sys.executable, '-c', script], input=json.dumps(data.texts), capture_output=True,
                              text=True, check=True, cwd=ROOT, env={**os.environ, 'PYTHONHASHSEED': seed})
        assert json.loads(done.stdout) == expected


def test_empty_and_single_inputs():
    assert suggest_themes([]) == []
    assert suggest_themes([(1, 'Wasserstoff für die Industrie')]) == []
    assert suggest_themes([(1, ''), (2, '   '), (3, '!!! ???'), (4, '😀')]) == []


def test_duplicates():
    same = 'Mehr Wasserstoff für die Industrie'
    suggestions = suggest_themes([(5, same), (2, same), (9, same), (4, 'Kaffee bitte')])
    assert suggestions == [ThemeSuggestion('Wasserstoff', (2, 5, 9), suggestions[0].score)]
    assert suggestions[0].score == pytest.approx(1.0)
    with pytest.raises(ValueError, match='twice'):
        suggest_themes([(1, same), (1, 'Fachkräfte')])


def test_unknown_language():
    with pytest.raises(ValueError, match='language'):
        suggest_themes([(1, 'Hidrógeno verde')], language='es')


def test_very_long_texts():
    filler = ' '.join(['Die Verwaltung muss schneller werden und Anträge digital bearbeiten'] * 300)  # ~20,000 chars
    ideas = [(i, f'Wasserstoff im Hafen {i}. {filler}') for i in range(1, 6)] + [(6, 'Kaffee')]
    start = time.perf_counter()
    suggestions = suggest_themes(ideas)
    assert time.perf_counter() - start < 2
    _check_shape(suggestions, {i for i, _ in ideas})
    assert {i for s in suggestions for i in s.idea_ids} == {1, 2, 3, 4, 5}
