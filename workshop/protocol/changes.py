"""What changed since the last final version: the draft after a final version lists it under its title.

The final version keeps the archive it was rendered from (``ProtocolVersion.archive``); the draft's
archive is compared with it. A contribution is the same one when it has the same breakout, question and
creation time (archive ids are renumbered when ideas are added, these are not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import Translate
from ..services.errors import N_, NP_


@dataclass(frozen=True)
class Change:
    """One line of the list: an English msgid, or a (singular, plural) pair chosen by the parameter ``n``."""
    message: str | tuple[str, str]
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, _: Translate) -> str:
        if isinstance(self.message, tuple):
            params = dict(self.params)
            return _.ngettext(*self.message, params.pop('n'), **params)
        return _(self.message, **self.params)


def _ideas(workshop: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    ideas = {}
    for r in workshop.get('rounds', []):
        for b in r.get('breakouts', []):
            for q in b.get('questions', []):
                for idea in q.get('ideas', []):
                    ideas[(b.get('label'), q.get('number'), q.get('sub'), idea.get('created_at'))] = idea
    return ideas


def _visible(idea: dict[str, Any] | None) -> bool:
    return idea is not None and not idea.get('hidden') and idea.get('merged_into') is None


def _key_results(workshop: dict[str, Any]) -> dict[int, list]:
    """Per topic number: its own key results, its breakouts' and those of their questions (their sources not:
    archive ids of ideas are renumbered when ideas are added)."""
    results: dict[int, list] = {t.get('number'): [t.get('key_results')]
                                for t in workshop.get('topics', []) if t.get('key_results')}
    for r in workshop.get('rounds', []):
        for b in r.get('breakouts', []):
            results.setdefault(b.get('topic'), []).append(
                (b.get('label'), b.get('key_results'),
                 [(q.get('number'), q.get('sub'), q.get('key_results')) for q in b.get('questions', [])]))
    return results


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from archive ``old`` (the final version) to ``new`` (now), in the protocol's order."""
    before, after = old.get('workshop', {}), new.get('workshop', {})
    changes: list[Change] = []
    if (before.get('context') or '').strip() != (after.get('context') or '').strip():
        changes.append(Change(N_('Background changed')))
    if ((before.get('proceedings') or '').strip(), before.get('representatives') or []) != \
            ((after.get('proceedings') or '').strip(), after.get('representatives') or []):
        changes.append(Change(N_('Proceedings changed')))
    old_results, new_results = _key_results(before), _key_results(after)
    titles = {t.get('number'): t.get('title') for t in after.get('topics', [])}
    for number in sorted(set(old_results) | set(new_results), key=lambda n: (n is None, n or 0)):
        if old_results.get(number) != new_results.get(number):
            changes.append(Change(N_('Key results of topic {topic} ({title}) changed'),
                                  {'topic': number, 'title': titles.get(number, '')}))
    if before.get('conclusions') != after.get('conclusions'):
        changes.append(Change(N_('Conclusions changed')))
    old_ideas, new_ideas = _ideas(before), _ideas(after)
    added = sum(1 for key, idea in new_ideas.items() if key not in old_ideas and _visible(idea))
    edited = sum(1 for key, idea in new_ideas.items() if key in old_ideas and _visible(idea)
                 and idea.get('text') != old_ideas[key].get('text'))
    hidden = sum(1 for key, idea in old_ideas.items() if _visible(idea) and not _visible(new_ideas.get(key)))
    shown = sum(1 for key, idea in new_ideas.items() if _visible(idea) and key in old_ideas
                and not _visible(old_ideas[key]))
    for n, message in (
            (added, NP_('One contribution added', '{n} contributions added')),
            (edited, NP_('One contribution edited', '{n} contributions edited')),
            (hidden, NP_('One contribution hidden or merged', '{n} contributions hidden or merged')),
            (shown, NP_('One contribution shown again', '{n} contributions shown again'))):
        if n:
            changes.append(Change(message, {'n': n}))
    return changes
