"""Theme suggestions: groups of ideas with names for one guiding question, proposed, never applied.

Offline and deterministic, a frequent-term clustering: words are lemmatised with simplemma's dictionaries
(shipped inside the package); German compounds are split at known words (Fachkräftemangel → Fachkräfte +
Mangel) and -ung nouns join their verb (Förderung, fördern, Förder|mittel), so that ideas sharing only a part
still meet; a typo of a rare word is mapped onto a frequent one (rapidfuzz). A theme is a word that several
ideas use: each idea spreads its weight over its candidate words, and the word that holds the most weight
among the ideas not yet taken becomes a theme, named as the ideas wrote it. An idea little like the rest of
its group (cosine similarity of TF-IDF vectors) leaves it: a wrong theme costs the moderator more than a
missing one, so whatever is unclear stays unclustered. docs/themes.md has the method and its measured
precision and recall.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import simplemma
from rapidfuzz import fuzz, process

LANGUAGES = ('de', 'en')
_MAX_CHARS = 2_000  # of one idea: a pasted essay must not make the call slow (ideas are at most 500)
_FEW = 10  # below this many ideas a word in most of them may still be a theme


@dataclass(frozen=True)
class ThemeSuggestion:
    title: str  # 1–2 words in the ideas' language, as they wrote them: "Wasserstoff", "Fachkräfte"
    idea_ids: tuple[int, ...]  # ascending
    score: float  # 0–1: how alike the ideas are (mean cosine similarity of their TF-IDF vectors)


@dataclass(frozen=True)
class _Params:
    """The method's settings, measured on tests/services/data/themes_*.yaml (docs/themes.md)."""
    min_size: int = 2  # smallest group worth a suggestion
    member_floor: float = 0.05  # an idea whose mean similarity to the rest of its group is lower leaves it
    member_weight: float = 0.5  # a word places an idea in its theme as a whole word or a compound's modifier
    max_share: float = 0.5  # a word in more of the ideas than this is the question's subject, no theme
    modifier_weight: float = 0.5  # weight of a compound's first part next to the whole word
    head_weight: float = 0.3  # … and of its last part
    other_weight: float = 0.3  # German words that are no nouns (schnell, aufbauen)
    generic_weight: float = 0.2  # the actors and places every idea names (Unternehmen, Region)
    typo_cutoff: float = 93.0  # rapidfuzz ratio at which a rare word counts as a typo of a frequent one
    max_tokens: int = 120  # per idea


_DEFAULTS = _Params()

_WORD = re.compile(r'[^\W_]+')
_SENTENCE_END = re.compile(r'[.!?:;–—-]\s+|\n')

# The actors and places that contributions of any stakeholder workshop name: they say who or where, not what
_GENERIC = {
    'de': frozenset('''
unternehmen firma betrieb region cluster mitglied akteur kommune stadt land landkreis gemeinde kmu
mittelstand projekt thema idee frage jahr beispiel bereich möglichkeit hochschule universität institut
wissenschaft wirtschaft industrie gewerbegebiet
'''.split()),
    'en': frozenset('''
company companies firm business region cluster member actor municipality city country sme smes project
topic idea question year example area way university institute science industry
'''.split()),
}

# Function words, the fillers of workshop ideas ("mehr", "besser", "sollte") and the words about a contribution
# ("Vorschlag:", "aus unserer Sicht"); they say nothing about a theme
_STOP_DE = frozenset("""
aber alle allem allen aller alles als also am an ander andere außerdem anderen anderer anderes auch auf aus bei beim
bereits besser bessere besseren bis bisher bitte bzw da dabei dafür damit dann daran darf darum das dass davon
dazu dein dem den denen denn der deren des deshalb dessen dich die dies diese diesem diesen dieser dieses doch
dort du durch eben ebenfalls ein eine einem einen einer eines einfach einige einmal endlich er es etc etwa etwas
euch euer gar ganz gegen geht gerade gibt ggf gut gute guten hab habe haben hat hatte hier hin hinaus ich ihm
ihn ihnen ihr ihre ihrem ihren ihrer im immer in indem ins ist ja je jede jedem jeden jeder jedes jetzt kann
kein keine keinem keinen keiner können könnte machen mal man manche mehr mein meine mit möglich muss müssen
müsste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seit selbst sich sie
sind so sodass soll sollen sollte sollten sonst sowie statt stärker stärken über um und uns unser unsere
unserem unseren unserer unter usw verbessern viel viele vielleicht vom von vor wäre war waren was weil weiter
weitere welche wenig weniger wenn wer werden wie wieder will wir wird wo wollen worden wurde würde würden zu
zum zur zwar zwischen z b ca bzw sein haben werden geben gehen kommen lassen sagen
vorschlag anregung sicht meinung ansicht punkt wunsch
für fürs schon wegen trotz während sowohl wirklich eigentlich insgesamt nochmal drüber darüber zudem jedoch ups
""".split())
_STOP_EN = frozenset("""
a about above after again all also an and any are as at be because been before being below better between
both but by can could did do does doing down during each even every few for from further get gets got had has
have having he her here hers him his how i if in into is it its itself just let like make many may me might
more most much must my need needs no nor not now of off on once one only or other our ours out over own
please same she should so some still such than that the their theirs them then there these they this those
through to too under until up upon us use very was we were what when where which while who whom why will
with within without would you your yours eg ie etc instead lot lots new really
able across add allow almost already always apply ask away back bad big bring build call change come create
current develop different difficult early easy end enough ensure especially establish everything expand fast
find first free full general give go good great hard help high important improve impossible increase keep know
large last least less little local long look lose low main mean move next old part possible promote provide put
quick quickly real right run say see seem set share show simple small start stay strengthen support sure take
tell thing think together try turn want well work year
suggestion proposal view opinion point side wish matter ups
""".split())
_STOP = {'de': _STOP_DE, 'en': _STOP_EN}


def suggest_themes(texts: Sequence[tuple[int, str]], language: str = 'de') -> list[ThemeSuggestion]:
    """Proposed themes for ``(idea id, text)`` pairs, largest first; an idea in none of them stayed unclear.
    ``language`` is the ideas' language, ``'de'`` or ``'en'`` (``'de-DE'`` is read as ``'de'``).

    Pure and deterministic: the same ideas give the same suggestions in any order and in any process.
    Raises ``ValueError`` for another language or an id given twice.
    """
    return _suggest(texts, language, _DEFAULTS)


def warm_up(language: str = 'de') -> None:
    """Loads simplemma's dictionary for ``language`` (about 1 s for German, once per process) so that the first
    suggestion does not wait for it; call it off the event loop."""
    lang = language.lower()[:2]
    if lang not in LANGUAGES:
        raise ValueError(f'no theme suggestions for language {language!r}')
    simplemma.lemmatize('Idee', lang=lang)


def _suggest(texts: Sequence[tuple[int, str]], language: str, params: _Params) -> list[ThemeSuggestion]:
    lang = language.lower()[:2]
    if lang not in LANGUAGES:
        raise ValueError(f'no theme suggestions for language {language!r}')
    ids = [idea_id for idea_id, _ in texts]
    if len(set(ids)) != len(ids):
        raise ValueError('an idea id is given twice')
    ordered = sorted(texts)  # the result must not depend on the order of the input
    docs = _Analyser(lang, params).features([text for _, text in ordered])
    similar = _similarities(_tfidf(docs))
    suggestions = []
    for term, group in _term_groups(docs, params):
        members = _confident_members(group, similar, params.member_floor)
        if len(members) < params.min_size:
            continue
        title = _title(term, [docs[i] for i in members], lang, params)
        score = round(_cohesion(members, similar), 3)
        suggestions.append(ThemeSuggestion(title, tuple(sorted(ordered[i][0] for i in members)), score))
    return sorted(suggestions, key=lambda s: (-len(s.idea_ids), -s.score, s.idea_ids))


@dataclass
class _Doc:
    """One idea's features: term weights (1 a whole word, less for a part or a generic word), and how each
    term was written (count of each spelling; 0 for spellings no title should use)."""
    weights: dict[str, float]
    surfaces: dict[str, Counter[str]]


class _Analyser:
    """Turns texts into features; its caches live for one call."""

    def __init__(self, lang: str, params: _Params) -> None:
        self.lang = lang
        self.params = params
        self.stop = _STOP[lang]
        self.generic = _GENERIC[lang]
        self.lemmas: dict[tuple[str, bool], tuple[str, bool]] = {}
        self.parts: dict[str, tuple[str, str]] = {}

    def features(self, texts: list[str]) -> list[_Doc]:
        docs = [self._doc(text) for text in texts]
        self._fix_typos(docs)
        return docs

    def _doc(self, text: str) -> _Doc:
        text = unicodedata.normalize('NFC', text[:_MAX_CHARS])
        weights: dict[str, float] = defaultdict(float)
        surfaces: dict[str, Counter[str]] = defaultdict(Counter)

        def add(key: str, weight: float, surface: str, count: int) -> None:
            if key in self.stop or weight <= 0:
                return
            if key in self.generic:
                weight = min(weight, self.params.generic_weight)
            weights[key] = max(weights[key], weight)  # presence: a word said twice is no stronger a theme
            surfaces[key][surface] += count

        starts = {m.end() for m in _SENTENCE_END.finditer(text)} | {0}
        for match in list(_WORD.finditer(text))[:self.params.max_tokens]:
            token = match.group()
            if not self._content(token):
                continue
            lemma, noun = self._lemma(token, sentence_start=match.start() in starts)
            key = self._key(lemma)
            # a theme is named by nouns (and abbreviations: KI, H2); German writes them with a capital
            add(key, 1.0 if noun or self.lang != 'de' else self.params.other_weight, token, 1)
            if not noun or key in self.generic or key in self.stop:
                continue
            modifier, head = self._parts(lemma)
            # the modifier carries the domain (Wasserstoff|netz), the head the kind of thing (netz)
            for part, weight in ((modifier, self.params.modifier_weight), (head, self.params.head_weight)):
                if part:
                    part_lemma, part_noun = self._lemma(part, sentence_start=False)
                    part_key = self._key(part_lemma)
                    if part_key != key:  # a verb stem (Förder-) is no title
                        add(part_key, weight, part, 1 if part_noun else 0)
        return _Doc(dict(weights), dict(surfaces))

    def _content(self, token: str) -> bool:
        if token.casefold() in self.stop or token.isdigit():
            return False
        # abbreviations (KI, H2, EU) are short but meaningful; other words need three letters
        return len(token) >= 3 or (len(token) == 2 and (token.isupper() or any(c.isdigit() for c in token)))

    def _lemma(self, token: str, *, sentence_start: bool) -> tuple[str, bool]:
        """The lemma and whether the word is a noun (German: capitalised lemma; any: an abbreviation)."""
        found = self.lemmas.get((token, sentence_start))
        if found is None:
            found = self.lemmas[token, sentence_start] = self._lemmatize(token, sentence_start)
        return found

    def _lemmatize(self, token: str, sentence_start: bool) -> tuple[str, bool]:
        lang = self.lang
        if lang == 'de' and sentence_start and token[:1].isupper() and not token.isupper():
            lower = token.lower()  # "Schnellere Genehmigungen": a capital at the start says nothing
            if simplemma.is_known(lower, lang) and not simplemma.is_known(token, lang):
                token = lower
        lemma = simplemma.lemmatize(token, lang=lang)
        if lemma == token and not simplemma.is_known(token, lang):
            # an unknown word: the greedy strategy strips endings (Wasserstoffnetzes → Wasserstoffnetz); trust
            # it only when it keeps the word's kind (not Wasserstof → wassern)
            greedy = simplemma.lemmatize(token, lang=lang, greedy=True)
            if greedy[:1].isupper() == token[:1].isupper():
                lemma = greedy
        noun = token.isupper() or any(c.isdigit() for c in token) or (lang == 'de' and lemma[:1].isupper())
        return lemma, noun

    def _key(self, lemma: str) -> str:
        """The term of a lemma: a German -ung noun joins its verb (Förderung, fördern, Förder|mittel)."""
        if self.lang == 'de' and lemma.endswith('ung') and len(lemma) > 5:
            for verb in (lemma[:-3] + 'n', lemma[:-3] + 'en'):
                if simplemma.is_known(verb.lower(), self.lang):
                    return verb.lower()
        return lemma.casefold()

    def _parts(self, lemma: str) -> tuple[str, str]:
        """A German compound's modifier and head (Fachkräfte, Mangel), or empty strings. English writes its
        compounds as separate words."""
        if self.lang != 'de':
            return '', ''
        parts = self.parts.get(lemma)
        if parts is None:
            parts = self.parts[lemma] = _split_compound(lemma, self.lang) or ('', '')
        return parts

    def _fix_typos(self, docs: list[_Doc]) -> None:
        """A term of one idea that nearly equals a term of several is taken as its typo (Digitalsierung →
        Digitalisierung). Only long words, and the cutoff lets a letter too many or too few match, not a
        changed one: Forderung stays apart from Förderung."""
        df = Counter(term for doc in docs for term in doc.weights)
        written: dict[str, set[str]] = defaultdict(set)  # a term and its spellings (Digitalisierung: digitalisieren)
        for doc in docs:
            for term, spellings in doc.surfaces.items():
                written[term].update(spelling.casefold() for spelling in spellings)
        frequent: dict[str, str] = {}  # spelling → term
        for term in sorted(term for term, n in df.items() if n >= 2):
            for spelling in sorted({term} | written[term]):
                if len(spelling) >= 8:
                    frequent.setdefault(spelling, term)
        if not frequent:
            return
        choices = sorted(frequent)
        mapping = {}
        for term in sorted(term for term, n in df.items() if n == 1):
            matches = []
            for query in sorted({term} | written[term]):
                found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=self.params.typo_cutoff) \
                    if len(query) >= 8 else None
                if found:
                    matches.append((-found[1], frequent[found[0]]))
            if matches:
                mapping[term] = min(matches)[1]
        for doc in docs:
            for term in [t for t in doc.weights if t in mapping]:
                target = mapping[term]
                doc.weights[target] = max(doc.weights.get(target, 0.0), doc.weights.pop(term))
                typed = doc.surfaces.pop(term, Counter())
                doc.surfaces.setdefault(target, Counter()).update(dict.fromkeys(typed, 0))  # no typo in a title


def _split_compound(word: str, lang: str) -> tuple[str, str] | None:
    """The split into a known modifier and a known noun as head, the longest head first (Wasserstoff|netz),
    both at least four letters."""
    if len(word) < 8:
        return None
    for i in range(4, len(word) - 3):
        left, right = word[:i], word[i:]
        head = right[:1].upper() + right[1:]
        if not simplemma.is_known(head, lang) or not simplemma.lemmatize(head, lang=lang)[:1].isupper():
            continue  # Förd|ermittel: "ermittel" is a verb form, no head
        # linking elements (Berufs-, Bildungs-) and verb stems (Förder(n)-)
        for modifier in (left[:-1] if left[-1] == 's' else '', left, left + 'n', left + 'en'):
            if len(modifier) >= 4 and simplemma.is_known(modifier, lang):
                return modifier, head
    return None


def _tfidf(docs: list[_Doc]) -> list[dict[str, float]]:
    df = Counter(term for doc in docs for term in doc.weights)
    n = len(docs)
    vectors = []
    for doc in docs:
        vector = {term: w * math.log((n + 1) / df[term]) for term, w in doc.weights.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        # a term of one idea links it to nothing, but it counts in the norm: what an idea says beyond the
        # shared words makes it less like the others
        vectors.append({t: v / norm for t, v in vector.items() if df[t] > 1} if norm else {})
    return vectors


def _similarities(vectors: list[dict[str, float]]) -> dict[int, dict[int, float]]:
    """Cosine similarity of every pair that shares a term, through an inverted index (most pairs of ideas
    share nothing)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term, value in vector.items():
            postings[term].append((i, value))
    similar: dict[int, dict[int, float]] = defaultdict(dict)
    for entries in postings.values():
        for a, (i, vi) in enumerate(entries):
            row = similar[i]
            for j, vj in entries[a + 1:]:
                row[j] = row.get(j, 0.0) + vi * vj
    for i, row in list(similar.items()):  # and the other half
        for j, value in row.items():
            similar[j][i] = value
    return similar


def _term_groups(docs: list[_Doc], params: _Params) -> list[tuple[str, list[int]]]:
    """Frequent-term clustering: a theme is a word that several ideas use. Each idea spreads its weight over
    its candidate words; the word holding the most weight among the ideas not yet taken becomes a theme and
    takes its ideas, until no word has ``min_size`` ideas left."""
    n = len(docs)
    most = n if n < _FEW else max(params.min_size, params.max_share * n)
    holders: dict[str, set[int]] = defaultdict(set)
    said: set[str] = set()  # a theme is named by a word someone wrote as a word, not only inside another
    for i, doc in enumerate(docs):
        for term, weight in doc.weights.items():
            if weight >= params.member_weight:
                holders[term].add(i)
            if weight >= 1.0:
                said.add(term)
    candidates = {t: ideas for t, ideas in holders.items() if t in said and params.min_size <= len(ideas) <= most}
    taken: set[int] = set()
    groups = []
    while candidates:
        share: dict[int, float] = defaultdict(float)  # an idea's weight over all its open candidates
        for term, ideas in candidates.items():
            for i in ideas - taken:
                share[i] += docs[i].weights[term]
        best = None
        for term, ideas in candidates.items():
            open_ideas = ideas - taken
            if len(open_ideas) >= params.min_size:
                key = (-sum(docs[i].weights[term] / share[i] for i in open_ideas), -len(open_ideas), term)
                best = key if best is None or key < best else best
        if best is None:
            break
        term = best[2]
        members = sorted(candidates.pop(term) - taken)
        taken.update(members)
        groups.append((term, members))
    return groups


def _confident_members(group: list[int], similar: dict[int, dict[int, float]], floor: float) -> list[int]:
    """Drops, one at a time, the idea least like the rest until every idea's mean similarity reaches ``floor``."""
    members = list(group)
    while len(members) > 1:
        worst, idea = min((sum(similar[i].get(j, 0.0) for j in members if j != i) / (len(members) - 1), i)
                          for i in members)
        if worst >= floor:
            break
        members.remove(idea)
    return members


def _cohesion(members: list[int], similar: dict[int, dict[int, float]]) -> float:
    pairs = [(i, j) for k, i in enumerate(members) for j in members[k + 1:]]
    return sum(similar[i].get(j, 0.0) for i, j in pairs) / len(pairs) if pairs else 0.0


def _title(term: str, group: list[_Doc], lang: str, params: _Params) -> str:
    """The theme's word as the ideas wrote it; with a second one when every idea of a larger group also uses
    that (and it is neither generic nor the same word again)."""
    words = [_surface(term, group, lang)]
    if len(group) >= 3:
        common = set.intersection(*({t for t, w in doc.weights.items() if w >= params.member_weight}
                                    for doc in group)) - {term} - _GENERIC[lang]
        for other in sorted(common):
            written = _surface(other, group, lang)
            if written.casefold() not in words[0].casefold() and words[0].casefold() not in written.casefold():
                words.append(written)
                break
    return ', '.join(words)


def _surface(term: str, group: list[_Doc], lang: str) -> str:
    """How the ideas wrote ``term`` most often (Daten, not the lemma Datum). German nouns keep their capital,
    and a title starts with one."""
    seen: Counter[str] = Counter()
    for doc in group:
        seen.update(doc.surfaces.get(term, Counter()))
    best, count = max(seen.items(), key=lambda wc: (wc[1], wc[0][:1].isupper(), -len(wc[0]), wc[0]),
                      default=(term, 0))
    if count == 0 and lang == 'de' and term.endswith('n'):
        # only met as a verb stem inside compounds (Förder|programm, Förder|mittel): name it by its noun
        for noun in (term[:-1] + 'ung', term[:-2] + 'ung'):
            noun = noun[:1].upper() + noun[1:]
            if simplemma.is_known(noun, lang):
                return noun
    return best[:1].upper() + best[1:]
