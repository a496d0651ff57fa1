"""The labelled ideas for the theme suggestions (data/themes_*.yaml), their scoring and a large variant of them.

Shared by tests/services/test_themes.py and bench/themes.py.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).parent / 'data'


@dataclass(frozen=True)
class Labelled:
    language: str
    ideas: tuple[tuple[int, str, str | None], ...]  # id, text, theme (None: fits no theme)

    @property
    def texts(self) -> list[tuple[int, str]]:
        return [(idea_id, text) for idea_id, text, _ in self.ideas]

    @property
    def labels(self) -> dict[int, str | None]:
        return {idea_id: theme for idea_id, _, theme in self.ideas}


def load(name: str) -> Labelled:
    """``name`` is a file of data/ without .yaml; ids are the ideas' positions, from 1."""
    data = yaml.safe_load((DATA / f'{name}.yaml').read_text(encoding='utf-8'))
    themes = set(data['themes'])
    ideas = tuple((i, idea['text'], idea['theme']) for i, idea in enumerate(data['ideas'], start=1))
    unknown = {theme for _, _, theme in ideas if theme is not None and theme not in themes}
    assert not unknown, f'{name}: themes not declared: {unknown}'
    return Labelled(data['language'], ideas)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    suggested_pairs: int
    true_pairs: int
    clustered: int  # ideas in some suggestion


def pairwise(groups: Iterable[Iterable[int]], labels: Mapping[int, str | None]) -> Scores:
    """Pairwise precision and recall: a pair of ideas in the same suggested group is right when both carry the
    same (non-null) label; recall is the share of the pairs with the same label that were suggested together.
    An unclustered idea is in no pair. No suggested pair at all counts as precision 1 (nothing wrong said)."""
    suggested = set()
    clustered = 0
    for group in groups:
        ids = sorted(group)
        clustered += len(ids)
        suggested.update(itertools.combinations(ids, 2))
    right = sum(1 for a, b in suggested if labels[a] is not None and labels[a] == labels[b])
    by_theme: dict[str, int] = {}
    for theme in labels.values():
        if theme is not None:
            by_theme[theme] = by_theme.get(theme, 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in by_theme.values())
    return Scores(right / len(suggested) if suggested else 1.0, right / true_pairs if true_pairs else 0.0,
                  len(suggested), true_pairs, clustered)


_FILLERS = {
    'de': (('Vorschlag:', 'Aus unserer Sicht:', 'Wichtig:', 'Ganz klar:', 'Idee:'),
           ('– das wäre sehr wichtig', '!', '(aus Sicht eines Verbands)', '– bitte priorisieren',
            '(Landratsamt)', 'und zwar bald', '– sehe ich auch so')),
    'en': (('Suggestion:', 'From our side:', 'Important:', 'Idea:'),
           ('- this really matters', '!', '(view of an association)', '- please prioritise', 'and soon')),
}
_CLAUSE = re.compile(r'\s*[,–;]\s*')


def variations(base: Labelled, count: int, *, seed: int = 14) -> Labelled:
    """``count`` ideas made from ``base`` the way a large plenary writes them: the same thoughts again with
    a filler before or after, a typo, a lowercase start, or two ideas of one theme joined. Labels follow their
    source; deterministic for a seed."""
    rng = random.Random(seed)
    before, after = _FILLERS[base.language]
    by_theme: dict[str | None, list[str]] = {}
    for _, text, theme in base.ideas:
        by_theme.setdefault(theme, []).append(text)
    ideas = []
    for idea_id in range(1, count + 1):
        _, text, theme = base.ideas[rng.randrange(len(base.ideas))]
        if theme is not None and rng.random() < 0.3:  # two thoughts of the same theme in one contribution
            other = rng.choice(by_theme[theme])
            text = f'{_CLAUSE.split(text)[0]}, außerdem {_CLAUSE.split(other)[-1]}' if base.language == 'de' \
                else f'{_CLAUSE.split(text)[0]}, and also {_CLAUSE.split(other)[-1]}'
        if rng.random() < 0.3:
            text = _typo(text, rng)
        if rng.random() < 0.25:
            text = f'{rng.choice(before)} {text}'
        if rng.random() < 0.25:
            text = f'{text} {rng.choice(after)}'
        if rng.random() < 0.15:
            text = text[:1].lower() + text[1:]
        ideas.append((idea_id, text, theme))
    return Labelled(base.language, tuple(ideas))


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(' ')
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word = words[i]
    k = rng.randrange(2, len(word) - 1)
    words[i] = word[:k] + word[k + 1:] if rng.random() < 0.5 else word[:k] + word[k] + word[k:]
    return ' '.join(words)
