"""The protocol's "Verlauf" (how the day ran) drafted from the agenda, as the hand-written minutes tell it:
who opened the event, the talks that followed, the parallel workshops, the summary in the plenary, the closing.

The draft is plain text in the protocol's prose form (blank line: paragraph, "- ": bullet) and in the workshop's
language. It is what the protocol prints while the lead has written no text of their own, and the starting point
of the editor on the protocol page.
"""

from __future__ import annotations

from ..i18n import Translate, translator
from ..services.errors import N_
from .document import AgendaEntry, ProtocolDocument

_QUOTES = '„“”"«»‚‘’\''


def draft(doc: ProtocolDocument) -> str:
    """The Verlauf from the agenda; '' when the agenda has nothing to tell (no items beyond breaks)."""
    _ = translator(doc.language)
    items = [item for item in doc.agenda if item.kind != 'break']
    if not items:
        return ''
    work = [n for n, item in enumerate(items) if item.kind in ('breakout_round', 'summary')]
    first_work, last_work = (work[0], work[-1]) if work else (len(items), -1)
    plenary = [n for n, item in enumerate(items) if item.kind == 'plenary']
    opening = plenary[0] if plenary and plenary[0] < first_work else None
    closing = plenary[-1] if plenary and plenary[-1] > last_work and plenary[-1] != opening else None
    talks_before = [items[n] for n in plenary if n < first_work and n not in (opening, closing)]
    talks_after = [items[n] for n in plenary if n > first_work and n not in (opening, closing)]

    paragraphs: list[str] = []
    if opening is not None:
        item = items[opening]
        start = item.time or doc.start_time
        paragraphs.append(_('The event began at {time} with the agenda item {title}{speaker}.', time=start,
                            title=_quoted(_, item.title), speaker=_by(item))
                          if start else
                          _('The event began with the agenda item {title}{speaker}.', title=_quoted(_, item.title),
                            speaker=_by(item)))
    if talks_before:
        paragraphs.append(_talks(_, talks_before, _.ngettext('It was followed by this contribution:',
                                                             'It was followed by these contributions:',
                                                             len(talks_before))))
    if any(item.kind == 'breakout_round' for item in items) and doc.breakouts:
        paragraphs.append(_workshops(_, doc))
    if talks_after:
        paragraphs.append(_talks(_, talks_after, _('Also in the plenary:')))
    summary = next((item for item in items if item.kind == 'summary'), None)
    if summary is not None:
        paragraphs.append(_('At {time}, the results of the workshops were summarised in the plenary{speaker}.',
                            time=summary.time, speaker=_by(summary)) if summary.time else
                          _('The results of the workshops were summarised in the plenary{speaker}.',
                            speaker=_by(summary)))
    if closing is not None:
        item = items[closing]
        end = doc.end_time or item.time
        paragraphs.append(_('The event closed at {time} with the agenda item {title}{speaker}.', time=end,
                            title=_quoted(_, item.title), speaker=_by(item)) if end else
                          _('The event closed with the agenda item {title}{speaker}.', title=_quoted(_, item.title),
                            speaker=_by(item)))
    return '\n\n'.join(paragraphs)


def _quoted(_: Translate, title: str) -> str:
    """A title in the language's quotation marks, unless it quotes something itself (Impulsvortrag „…“)."""
    if any(mark in title for mark in _QUOTES):
        return title
    return _('“{title}”', title=title)


def _by(item: AgendaEntry) -> str:
    """" (Abteilungsleitung, Ministerium)": the speaker in brackets, as a speaker is any text the lead typed."""
    return f' ({item.speaker})' if item.speaker else ''


def _talks(_: Translate, items: list[AgendaEntry], lead: str) -> str:
    lines = [item.title + _by(item) for item in items]
    return lead + '\n\n' + '\n'.join(f'- {line}' for line in lines)  # a list is a paragraph of its own


def _workshops(_: Translate, doc: ProtocolDocument) -> str:
    """"Die Teilnehmenden arbeiteten in zwei Durchläufen in parallelen Workshops zu drei Themen …"."""
    rounds = len(doc.rounds)
    topics = sorted({(b.topic_number, b.topic_title) for b in doc.breakouts})
    if len(topics) == 1:
        return _.ngettext('The participants worked on the topic {title} in one round.',
                          'The participants worked on the topic {title} in {count} rounds.', rounds,
                          title=_quoted(_, topics[0][1]), count=number_word(_, rounds))
    sentence = _.ngettext('The participants worked in parallel workshops on {topics} topics in one round.',
                          'The participants worked in parallel workshops on {topics} topics in {count} rounds.',
                          rounds, topics=number_word(_, len(topics)), count=number_word(_, rounds))
    if rounds > 1:
        sentence += ' ' + _('Each participant chose one workshop per round.')
    return sentence


def number_word(_: Translate, n: int) -> str:
    """Small numbers in words, as minutes write them ("zwei Durchläufe"); from 13 on in digits."""
    words = (N_('two'), N_('three'), N_('four'), N_('five'), N_('six'), N_('seven'), N_('eight'), N_('nine'),
             N_('ten'), N_('eleven'), N_('twelve'))
    return _(words[n - 2]) if 2 <= n <= 12 else str(n)
