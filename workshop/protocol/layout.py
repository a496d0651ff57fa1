"""The protocol's structure, once for all formats: a list of blocks that PDF, DOCX and Markdown render.

Every renderer walks the same blocks, so the formats cannot drift apart in content
or order. Text in the blocks is plain text (never markup); each renderer escapes
it for its format. Headings and fixed words are in the workshop's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from babel.dates import format_date, format_datetime

from ..i18n import Translate, translator
from .document import IdeaItem, ProtocolDocument, QuestionSection, TopicSection

CHART_TOP = 5  # ideas in the bar chart of a question
# the clusters' colours (services.clusters.COLOURS) in print: a swatch or rule beside the title, never text
CLUSTER_COLOURS = {'blue': '#2f6db5', 'green': '#2e8b57', 'orange': '#e07b00', 'purple': '#7b4fb3',
                   'teal': '#0f8b8d', 'red': '#c8382e', 'brown': '#8d5a34', 'pink': '#d0508a'}


# --- blocks -------------------------------------------------------------------------------------------

@dataclass
class TitleBlock:
    kicker: str  # "Protokoll"
    title: str
    subtitle: str | None
    facts: list[tuple[str, str]]  # label, value (values may hold line breaks)
    status: str
    checksum: str | None = None  # a final version: "Prüfsumme (SHA-256) des Inhalts: …"


@dataclass
class Heading:
    level: int  # 1 chapter, 2 topic, 3 block or question, 4 sub-question
    text: str
    outline: int | None = None  # bookmark level in the PDF outline (None: no bookmark)
    keep_with_next: bool = True


@dataclass
class Prose:
    """Paragraphs and bullet lists as the lead typed them (blank line: new paragraph; "- ": bullet)."""
    parts: list[str | list[str]]  # a str is a paragraph, a list is a bullet list
    muted: bool = False


@dataclass
class Note:
    text: str  # a small grey line (the breakouts and moderators of a topic, "no background text yet")


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    total: list[str] | None = None  # a bold last row


@dataclass
class AgendaRow:
    time: str
    title: str
    speaker: str | None
    details: list[str] = field(default_factory=list)  # parallel breakouts with their moderators


@dataclass
class Agenda:
    rows: list[AgendaRow]


@dataclass
class Numbered:
    """A numbered conclusion: "1. Title", then prose."""
    number: int
    title: str
    prose: Prose


@dataclass
class Contribution:
    text: str
    dots: str | None  # "3 Punkte"; None when it has none (also when the question had no voting): never "0 Punkte"
    note: str | None  # author, "2× genannt"


@dataclass
class Contributions:
    """The ideas of one cluster under its title as a sub-heading (one level below its question)."""
    heading: str | None  # the cluster's title, "Other contributions"; None: the question has no clusters
    items: list[Contribution]
    level: int = 4  # the sub-heading's level (Heading 4 under a question, 5 under a sub-question)
    dots: str | None = None  # the cluster's summed dots ("7 Punkte"); None: none, no voting, or no cluster
    colour: str | None = None  # the cluster's colour (#rrggbb); None: no colour


@dataclass
class Chart:
    title: str
    bars: list[tuple[str, int]]  # idea text, dots


Block = TitleBlock | Heading | Prose | Note | Bullets | Table | Agenda | Numbered | Contributions | Chart


# --- words ----------------------------------------------------------------------------------------------

def words(doc: ProtocolDocument) -> Translate:
    return translator(doc.language)


def locale_of(doc: ProtocolDocument) -> str:
    return 'de_DE' if doc.language == 'de' else 'en_GB'


def long_date(doc: ProtocolDocument, value: dt.date | None) -> str:
    return format_date(value, format='long', locale=locale_of(doc)) if value else ''


def local_time(doc: ProtocolDocument, value: dt.datetime) -> str:
    """A moment in the server's time zone, e.g. "12. Juni 2026, 14:03"."""
    pattern = "d. MMMM y, HH:mm" if doc.language == 'de' else "d MMMM y, HH:mm"
    return format_datetime(value.astimezone(), pattern, locale=locale_of(doc))


def time_range(doc: ProtocolDocument) -> str:
    _ = words(doc)
    if doc.start_time and doc.end_time:
        return _('{start}–{end}', start=doc.start_time, end=doc.end_time)
    if doc.start_time:
        return _('from {start}', start=doc.start_time)
    return ''


def format_label(doc: ProtocolDocument) -> str:
    _ = words(doc)
    return {'online': _('Online event'), 'hybrid': _('Hybrid event (on site and online)'),
            'onsite': _('On-site event')}.get(doc.format, doc.format)


def dots_label(_: Translate, n: int) -> str:
    return _.ngettext('{n} dot', '{n} dots', n)


def status_line(doc: ProtocolDocument) -> str:
    _ = words(doc)
    if doc.final:
        return _('Final version {n} of {date}', n=doc.version, date=local_time(doc, doc.version_at))
    if doc.last_version:
        return _('Draft of {date} (after final version {n})', date=local_time(doc, doc.generated_at),
                 n=doc.last_version)
    return _('Draft of {date}', date=local_time(doc, doc.generated_at))


def topic_title(_: Translate, topic: TopicSection) -> str:
    return _('Topic {n}: {title}', n=topic.number, title=topic.title)


def group_name(_: Translate, group: str | None) -> str:
    return group if group is not None else _('not stated')


_BULLET = re.compile(r'^\s*(?:[-•*–])\s+')


def prose(text: str) -> list[str | list[str]]:
    """Paragraphs (a blank line between them; single line breaks are soft) and "- " bullet lists."""
    parts: list[str | list[str]] = []
    for chunk in re.split(r'\n\s*\n', (text or '').strip()):
        lines = [line.strip() for line in chunk.split('\n') if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            parts.append([_BULLET.sub('', line) for line in lines])
        elif _BULLET.match(lines[0]) and len(lines) > 1:  # bullets with soft-wrapped continuation lines
            items: list[str] = []
            for line in lines:
                if _BULLET.match(line):
                    items.append(_BULLET.sub('', line))
                else:
                    items[-1] += ' ' + line
            parts.append(items)
        else:
            parts.append(' '.join(lines))
    return parts


# --- the protocol -----------------------------------------------------------------------------------

CHAPTERS = ('agenda', 'context', 'participation', 'key_results', 'conclusions', 'appendix')


def chapter_titles(_: Translate) -> dict[str, str]:
    return {
        'agenda': _('Agenda'),
        'context': _('Background'),
        'participation': _('Participation'),
        'key_results': _('Key results of the workshops'),
        'conclusions': _('Conclusions and recommendations'),
        'appendix': _('Appendix: contributions to the guiding questions'),
    }


def build(doc: ProtocolDocument) -> list[Block]:
    """The blocks of the whole protocol, in order."""
    _ = words(doc)
    titles = chapter_titles(_)
    blocks: list[Block] = [title_block(doc)]
    numbered = [c for c in CHAPTERS if c != 'appendix']

    def chapter(key: str) -> None:
        label = f'{numbered.index(key) + 1}\u2002{titles[key]}' if key in numbered else titles[key]
        blocks.append(Heading(1, label, outline=0))

    chapter('agenda')
    blocks.append(agenda(doc))

    chapter('context')
    if doc.context.strip():
        blocks.append(Prose(prose(doc.context)))
    else:
        blocks.append(Note(_('No background text yet.')))

    chapter('participation')
    blocks.extend(participation(doc))

    chapter('key_results')
    for n, topic in enumerate(doc.topics, start=1):
        blocks.append(Heading(2, f'{numbered.index("key_results") + 1}.{n}\u2002{topic_title(_, topic)}', outline=1))
        blocks.append(Note(topic_facts(_, topic)))
        if topic.key_results:  # none yet: the topic's heading and facts only, no placeholder line
            blocks.append(Bullets(list(topic.key_results)))

    chapter('conclusions')
    if doc.conclusions:
        for c in doc.conclusions:
            blocks.append(Numbered(c.number, c.title, Prose(prose(c.text))))
    else:
        blocks.append(Note(_('No conclusions recorded yet.')))

    chapter('appendix')
    blocks.append(Prose([appendix_intro(doc)], muted=True))
    for n, topic in enumerate(doc.topics, start=1):
        blocks.append(Heading(2, f'A.{n}\u2002{topic_title(_, topic)}', outline=1))
        blocks.append(Note(topic_facts(_, topic)))
        block = None
        for question in answered(topic):
            if question.block and question.sub:
                if question.block != block:
                    blocks.append(Heading(3, f'{question.number}.\u2002{question.block}', outline=2))
                block = question.block
                blocks.append(Heading(4, f'{question.label}\u2002{question.text}', outline=3))
                level = 4
            else:
                block = None
                blocks.append(Heading(3, f'{question.label}\u2002{question.text}', outline=2))
                level = 3
            blocks.extend(question_blocks(doc, question, level=level))
    return blocks


def title_block(doc: ProtocolDocument) -> TitleBlock:
    _ = words(doc)
    facts = [(_('Date'), long_date(doc, doc.date)), (_('Time'), time_range(doc)),
             (_('Format'), format_label(doc)), (_('Organised by'), doc.organiser)]
    moderators = []
    for topic in doc.topics:
        people = '; '.join(p.line for p in topic.moderators)
        if people:
            moderators.append(_('Topic {n}: {title}', n=topic.number, title=people) if len(doc.topics) > 1
                              else people)
    if moderators:
        facts.append((_('Moderation'), '\n'.join(moderators)))
    facts.append((_('Participants'), str(doc.participants)))
    facts = [(label, value) for label, value in facts if value]
    checksum = _('Checksum (SHA-256) of the content: {checksum}', checksum=doc.checksum) if doc.checksum else None
    return TitleBlock(kicker=_('Minutes'), title=doc.title, subtitle=doc.subtitle, facts=facts,
                      status=status_line(doc), checksum=checksum)


def agenda(doc: ProtocolDocument) -> Agenda:
    _ = words(doc)
    rows = []
    for item in doc.agenda:
        details = []
        for b in item.breakouts:
            who = f' – {b.moderator.line}' if b.moderator and b.moderator.line else ''
            details.append(f'{b.label}\u2002{b.topic_title}{who}')
        rows.append(AgendaRow(time=item.time or '', title=item.title, speaker=item.speaker, details=details))
    if not rows:  # no run of show: the parallel breakouts per round at least
        for number, title in doc.rounds:
            rows.append(AgendaRow(time='', title=title, speaker=None, details=[
                f'{b.label}\u2002{b.topic_title}' + (f' – {b.moderator.line}' if b.moderator else '')
                for b in doc.breakouts if b.round_number == number]))
    return Agenda(rows)


def participation(doc: ProtocolDocument) -> list[Block]:
    _ = words(doc)
    n = doc.participants
    sentence = _.ngettext('One person took part in the workshop.', '{n} people took part in the workshop.', n)
    groups = [row for row in doc.participation if row.group is not None]
    if groups:
        sentence += ' ' + _('They came from these stakeholder groups:')
    blocks: list[Block] = [Prose([sentence])]
    corrected = any(row.extra for row in doc.participation)
    if corrected:
        header = [_('Stakeholder group'), _('via the app'), _('correction'), _('people')]
        rows = [[group_name(_, r.group), str(r.joined), f'{r.extra:+d}' if r.extra else '–', str(r.total)]
                for r in doc.participation]
        total = [_('Total'), str(sum(r.joined for r in doc.participation)),
                 f'{sum(r.extra for r in doc.participation):+d}', str(n)]
        numeric = [False, True, True, True]
    else:
        header = [_('Stakeholder group'), _('people')]
        rows = [[group_name(_, r.group), str(r.total)] for r in doc.participation]
        total, numeric = [_('Total'), str(n)], [False, True]
    if rows:
        blocks.append(Table(header, rows, numeric, total))
    note = _('Counted from the joins in the app (without people the moderation removed).')
    if corrected:
        note += ' ' + _('Corrections by the lead moderator: people who took part without a phone, double joins.')
    blocks.append(Note(note))
    return blocks


def topic_facts(_: Translate, topic: TopicSection) -> str:
    rounds = ', '.join(_.ngettext('{label} ({n} person)', '{label} ({n} people)', b.members, label=b.label)
                       if b.members else b.label for b in topic.breakouts)
    people = '; '.join(p.line for p in topic.moderators)
    parts = [p for p in (rounds, _('Moderation: {name}', name=people) if people else '') if p]
    return ' · '.join(parts)


def appendix_intro(doc: ProtocolDocument) -> str:
    _ = words(doc)
    text = _('All contributions to each guiding question, the rounds of a topic merged. Contributions are '
             'grouped into the moderation\'s clusters (each with the sum of its dots) and ordered by the dots '
             'they received in the dot voting; duplicates were merged, contributions hidden by the moderation '
             'are left out.')
    if not doc.name_authors:
        text += ' ' + _('Contributions are anonymous.')
    return text


def contribution(_: Translate, idea: IdeaItem) -> Contribution:
    notes = []
    if idea.mentions > 1:
        notes.append(_('mentioned {n} times', n=idea.mentions))
    if idea.author:
        notes.append(idea.author)
    return Contribution(text=idea.text, dots=dots_label(_, idea.dots) if idea.dots else None,
                        note=' · '.join(notes) or None)


def answered(topic: TopicSection) -> list[QuestionSection]:
    """The questions the appendix lists: those with contributions or key results. A question nobody answered
    is left out (no "no contributions" line under it), and so is a themed block none of whose questions were."""
    return [q for q in topic.questions if q.groups or q.key_results]


def question_blocks(doc: ProtocolDocument, question: QuestionSection, *, level: int = 3) -> list[Block]:
    """What follows a question's heading (of ``level``): its key results, the chart, its clusters of ideas."""
    _ = words(doc)
    blocks: list[Block] = []
    if question.key_results:
        blocks.append(Note(_('Key results of this question:')))
        blocks.append(Bullets(list(question.key_results)))
    top = question.top(CHART_TOP)
    if len(top) >= 2:
        blocks.append(Chart(_('Most dots'), [(i.text, i.dots) for i in top]))
    named = any(g.heading is not None for g in question.groups)
    for group in question.groups:
        items = [contribution(_, i) for i in group.ideas]
        if group.heading is None:
            blocks.append(Contributions(_('Other contributions') if named else None, items, level=level + 1))
        else:
            blocks.append(Contributions(group.heading, items, level=level + 1,
                                        dots=dots_label(_, group.dots) if group.dots else None,
                                        colour=CLUSTER_COLOURS.get(group.colour or '')))
    return blocks


def filename(doc: ProtocolDocument, extension: str, *, kind: str | None = None) -> str:
    """A file name from the title and date: "2020-05-26-clusterworkshop-zukunft-der-cluster-protokoll.pdf"."""
    return file_name(doc.title, doc.date, doc.language, doc.version, extension, kind=kind)


def file_name(title: str, date: dt.date | None, language: str, version: int | None, extension: str, *,
              kind: str | None = None) -> str:
    import unicodedata
    for umlaut, ascii_ in (('ß', 'ss'), ('ä', 'ae'), ('ö', 'oe'), ('ü', 'ue'), ('Ä', 'Ae'), ('Ö', 'Oe'), ('Ü', 'Ue')):
        title = title.replace(umlaut, ascii_)
    title = unicodedata.normalize('NFKD', title).encode('ascii', 'ignore').decode()
    slug = re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')[:60].rstrip('-') or 'workshop'
    prefix = f'{date.isoformat()}-' if date else ''
    kind = kind or ('protokoll' if language == 'de' else 'minutes')
    suffix = f'-v{version}' if version else ''
    return f'{prefix}{slug}-{kind}{suffix}.{extension}'
