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
from ..services.stakeholders import MIN_PEOPLE
from .document import IdeaItem, ProtocolDocument, QuestionSection, TopicSection
from .proceedings import draft as draft_proceedings

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
    # later rounds' gallery walk on it, one line each, printed under it: "+3 Punkte im Galerie-Rundgang
    # (Durchlauf 2)", "Kommentar im Galerie-Rundgang (Durchlauf 2): …"
    walk: list[str] = field(default_factory=list)

    @property
    def parts(self) -> list[str | list[str]]:
        """The text in its lines: a str is a line, a list the "- " sub-points of a run of lines (the moderation's
        contributions); a text of one line is one part, also when it starts with "- "."""
        return lines_and_points(self.text)


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


def lines_and_points(text: str) -> list[str | list[str]]:
    """A contribution's lines as parts: a str is a paragraph (its lines joined by "\\n"), a list a run of "- "
    sub-points (their markers removed). The first part is always a paragraph: a text of one line stays as it is
    (a phone's "- Mehr Förderung"), and a first line with a marker is the contribution's lead."""
    lines = [line.strip() for line in text.split('\n') if line.strip()]
    if len(lines) < 2:
        return [text.strip()]
    parts: list[str | list[str]] = [_BULLET.sub('', lines[0])]
    for line in lines[1:]:
        if _BULLET.match(line):
            if not isinstance(parts[-1], list):
                parts.append([])
            parts[-1].append(_BULLET.sub('', line))
        elif isinstance(parts[-1], str):
            parts[-1] += '\n' + line
        else:
            parts.append(line)
    return parts


# --- the protocol -----------------------------------------------------------------------------------

CHAPTERS = ('agenda', 'context', 'participation', 'proceedings', 'key_results', 'conclusions', 'appendix')


def chapter_titles(_: Translate) -> dict[str, str]:
    return {
        'agenda': _('Agenda'),
        'context': _('Background'),
        'participation': _('Participation'),
        'proceedings': _('Proceedings'),
        'key_results': _('Key results of the workshops'),
        'conclusions': _('Conclusions and recommendations'),
        'appendix': _('Appendix: contributions to the guiding questions'),
    }


def build(doc: ProtocolDocument) -> list[Block]:
    """The blocks of the whole protocol, in order."""
    _ = words(doc)
    titles = chapter_titles(_)
    blocks: list[Block] = [title_block(doc), *changes(doc)]
    told = proceedings(doc)  # the Verlauf; left out, also from the numbering, when there is nothing to tell
    numbered = [c for c in CHAPTERS if c != 'appendix' and (c != 'proceedings' or told)]

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

    if told:
        chapter('proceedings')
        blocks.extend(told)

    chapter('key_results')
    for n, topic in enumerate(doc.topics, start=1):
        blocks.append(Heading(2, f'{numbered.index("key_results") + 1}.{n}\u2002{topic_title(_, topic)}', outline=1))
        blocks.append(Note(topic_facts(_, topic)))
        if topic.key_results:  # none yet: the topic's heading and facts only, no placeholder line
            blocks.append(Bullets(topic_key_results(doc, topic, n)))
        blocks.extend(stakeholder_table(doc, topic))

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
        for question in answered(topic, omit=doc.omit_unanswered):
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


def topic_key_results(doc: ProtocolDocument, topic: TopicSection, n: int) -> list[str]:
    """A topic's key results; with the protocol's option ``citations`` each followed by where its contributions
    stand in the appendix: "(→ Anhang A.1, Fragen 1, 3)" (``n``: the topic's place, A.n)."""
    if not doc.citations:
        return list(topic.key_results)
    _ = words(doc)
    items = []
    for number, text in enumerate(topic.key_results):
        labels = [label.rstrip('.') for label in (topic.key_result_questions[number]
                                                  if number < len(topic.key_result_questions) else [])]
        if labels:
            text += ' (' + _.ngettext('→ Appendix A.{topic}, question {labels}',
                                      '→ Appendix A.{topic}, questions {labels}', len(labels), topic=n,
                                      labels=', '.join(labels)) + ')'
        items.append(text)
    return items


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
    if doc.representatives:
        facts.append((_.ngettext('Representative of the organiser', 'Representatives of the organiser',
                                 len(doc.representatives)), '\n'.join(doc.representatives)))
    facts.append((_('Participants'), str(doc.participants)))
    facts = [(label, value) for label, value in facts if value]
    checksum = _('Checksum (SHA-256) of the content: {checksum}', checksum=doc.checksum) if doc.checksum else None
    return TitleBlock(kicker=_('Minutes'), title=doc.title, subtitle=doc.subtitle, facts=facts,
                      status=status_line(doc), checksum=checksum)


def changes(doc: ProtocolDocument) -> list[Block]:
    """A draft after a final version: what changed since (nothing for a final version or the first draft)."""
    if doc.final or not doc.last_version or not doc.changes:
        return []
    _ = words(doc)
    return [Note(_('Changes since final version {n}:', n=doc.last_version)),
            Bullets([c.text(_) for c in doc.changes])]


def agenda(doc: ProtocolDocument) -> Agenda:
    _ = words(doc)
    rows = []
    for item in doc.agenda:
        details = []
        for b in item.breakouts:
            who = f' – {b.moderation_line}' if b.moderation_line else ''
            details.append(f'{b.label}\u2002{b.topic_title}{who}')
        rows.append(AgendaRow(time=item.time or '', title=item.title, speaker=item.speaker, details=details))
    if not rows:  # no run of show: the parallel breakouts per round at least
        for number, title in doc.rounds:
            rows.append(AgendaRow(time='', title=title, speaker=None, details=[
                f'{b.label}\u2002{b.topic_title}' + (f' – {b.moderation_line}' if b.moderation_line else '')
                for b in doc.breakouts if b.round_number == number]))
    return Agenda(rows)


def proceedings(doc: ProtocolDocument) -> list[Block]:
    """The Verlauf: the lead's text (or, while there is none, the one drafted from the agenda) and who took part
    for the organiser; nothing when there is neither."""
    _ = words(doc)
    blocks: list[Block] = []
    text = doc.proceedings.strip() or draft_proceedings(doc)
    if text:
        blocks.append(Prose(prose(text)))
    if doc.representatives:
        blocks.append(Prose([_.ngettext('For the organiser, this person took part:',
                                        'For the organiser, these people took part:', len(doc.representatives))]))
        blocks.append(Bullets(list(doc.representatives)))
    return blocks


def participation(doc: ProtocolDocument) -> list[Block]:
    if doc.participation_prose:
        return participation_prose(doc)
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


def participation_prose(doc: ProtocolDocument) -> list[Block]:
    """The participation as minutes say it: "Am Workshop nahmen rund 49 Vertreterinnen und Vertreter aus
    Unternehmen, Hochschulen und … teil. Davon 14 aus Unternehmen, …" The groups in their order, without
    empty ones; the number per group in a second sentence when there are several groups."""
    _ = words(doc)
    n = doc.participants
    named = [row for row in doc.participation if row.group is not None and row.total]
    if not named:
        sentence = _.ngettext('One person took part in the workshop.', '{n} people took part in the workshop.', n)
    else:
        sentence = _.ngettext('One representative of {groups} took part in the workshop.',
                              'About {n} representatives of {groups} took part in the workshop.', n,
                              groups=enumerate_words(_, [dative(doc.language, row.group) for row in named]))
    if len(named) > 1:
        counts = [_('{n} from {group}', n=row.total, group=dative(doc.language, row.group)) for row in named]
        sentence += ' ' + _('Of them, {counts}.', counts=enumerate_words(_, counts))
    note = _('Counted from the joins in the app (without people the moderation removed).')
    if any(row.extra for row in doc.participation):
        note += ' ' + _('Corrections by the lead moderator: people who took part without a phone, double joins.')
    return [Prose([sentence]), Note(note)]


def enumerate_words(_: Translate, items: list[str]) -> str:
    """"A, B and C" in the workshop's language; "A, B and C as well as D and E" when an item has an "and" of its
    own ("Verbände und Kammern"), so that the reader sees where one ends."""
    if len(items) < 2:
        return ''.join(items)
    if any(re.search(r'\s(und|and)\s', item) for item in items):
        return _('{items} as well as {last}', items=', '.join(items[:-1]), last=items[-1])
    return _('{items} and {last}', items=', '.join(items[:-1]), last=items[-1])


def dative(language: str, group: str) -> str:
    """A stakeholder group after "aus" ("from"): German plural nouns take their dative -n ("aus Verbänden und
    Kammern", "aus Netzwerken"), and so does an adjective right before such a noun ("aus kommunalen Trägern").
    A guess from the endings, for group names as organisers write them; other languages unchanged."""
    if language != 'de':
        return group
    tokens = re.split(r'(\s+|/|-)', group)
    words = [i for i, t in enumerate(tokens) if t.strip() and t not in ('/', '-')]
    plural = set()  # nouns that close a phrase: those of -e/-el/-er take the -n, those of -n/-s have it or need none
    for place, i in enumerate(words):
        word = tokens[i]
        following = tokens[words[place + 1]] if place + 1 < len(words) else ''
        if word[:1].isupper() and not following[:1].isupper():
            if re.search(r'[a-zäöüß](e|el|er)$', word):
                tokens[i] = word + 'n'
                plural.add(i)
            elif re.search(r'[a-zäöüß](n|s)$', word):
                plural.add(i)
    for place, i in enumerate(words[:-1]):  # an adjective before a plural noun: "aus kommunalen Trägern"
        if words[place + 1] in plural and re.search(r'[a-zäöüß]e$', tokens[i]) and words[place + 1] == i + 2:
            tokens[i] += 'n'
    return ''.join(tokens)


def topic_facts(_: Translate, topic: TopicSection) -> str:
    rounds = ', '.join(_.ngettext('{label} ({n} person)', '{label} ({n} people)', b.members, label=b.label)
                       if b.members else b.label for b in topic.breakouts)
    people = '; '.join(p.line for p in topic.moderators)
    parts = [p for p in (rounds, _('Moderation: {name}', name=people) if people else '') if p]
    return ' · '.join(parts)


def stakeholder_table(doc: ProtocolDocument, topic: TopicSection) -> list[Block]:
    """Contributions (and dots) per stakeholder group in a topic, with the note on the groups left together;
    nothing when nobody gave a group (services/stakeholders.py)."""
    if not topic.by_group:
        return []
    _ = words(doc)
    header = [_('Stakeholder group'), _('people'), _('contributions')] + ([_('dots given')] if doc.show_dots else [])
    rows = [[r.group if r.group is not None else _('other groups'), str(r.people), str(r.contributions)]
            + ([str(r.dots)] if doc.show_dots else []) for r in topic.by_group]
    note = _('Groups with fewer than {n} people in this topic are not shown separately: they are counted under '
             '"other groups", together with people who gave no group.', n=MIN_PEOPLE)
    return [Table(header, rows, [False] + [True] * (len(header) - 1)), Note(note)]


def appendix_intro(doc: ProtocolDocument) -> str:
    _ = words(doc)
    if doc.show_dots:
        text = _('All contributions to each guiding question, the rounds of a topic merged. Contributions are '
                 'grouped into the moderation\'s clusters (each with the sum of its dots) and ordered by the dots '
                 'they received in the dot voting; duplicates were merged, contributions hidden by the moderation '
                 'are left out.')
    else:
        text = _('All contributions to each guiding question, the rounds of a topic merged. Contributions are '
                 'grouped into the moderation\'s clusters and listed in the order they were made; duplicates were '
                 'merged, contributions hidden by the moderation are left out.')
    if not doc.name_authors:
        text += ' ' + _('Contributions are anonymous.')
    return text


def contribution(_: Translate, idea: IdeaItem, *, show_dots: bool = True) -> Contribution:
    notes = []
    if idea.mentions > 1:
        notes.append(_('mentioned {n} times', n=idea.mentions))
    if idea.author:
        notes.append(idea.author)
    return Contribution(text=idea.text, dots=dots_label(_, idea.dots) if idea.dots and show_dots else None,
                        note=' · '.join(notes) or None, walk=gallery_walk(_, idea, show_dots=show_dots))


def gallery_walk(_: Translate, idea: IdeaItem, *, show_dots: bool = True) -> list[str]:
    """What later rounds' gallery walks added to an idea: their dots (apart from its own), their comments."""
    lines = []
    if show_dots:
        lines += [_.ngettext('+{n} dot in the gallery walk ({round})', '+{n} dots in the gallery walk ({round})', n,
                             round=_('Round {n}', n=number)) for number, n in idea.gallery if n]
    for c in idea.comments:
        where = _('Comment in the gallery walk ({round})', round=_('Round {n}', n=c.round_number))
        lines.append(f'{where}: {c.text}' + (f' ({c.author})' if c.author else ''))
    return lines


def answered(topic: TopicSection, *, omit: bool = True) -> list[QuestionSection]:
    """The questions the appendix lists: with ``omit`` (the protocol's option, on by default) those with
    contributions, key results or a summary; a question nobody answered is left out, and so is a themed block
    none of whose questions were. Without it every question."""
    if not omit:
        return list(topic.questions)
    return [q for q in topic.questions if q.groups or q.key_results or q.summary.strip()]


def question_blocks(doc: ProtocolDocument, question: QuestionSection, *, level: int = 3) -> list[Block]:
    """What follows a question's heading (of ``level``): its key results, the chart, its clusters of ideas."""
    _ = words(doc)
    blocks: list[Block] = []
    if question.summary.strip():  # the moderation's summary, above everything else of the question
        blocks.append(Note(_('Summary of the answers:')))
        blocks.append(Prose(prose(question.summary)))
    if question.key_results:
        blocks.append(Note(_('Key results of this question:')))
        blocks.append(Bullets(list(question.key_results)))
    top = question.top(CHART_TOP)
    if len(top) >= 2 and doc.show_dots:
        blocks.append(Chart(_('Most dots'), [(i.text, i.dots) for i in top]))
    if not question.groups and not question.summary.strip() and not question.key_results:
        blocks.append(Note(_('No contributions.')))  # listed only when the protocol lists every question
    named = any(g.heading is not None for g in question.groups)
    for group in question.groups:
        # without dots nothing is ranked: the contributions in the order they were made
        ideas = group.ideas if doc.show_dots else sorted(group.ideas, key=lambda i: i.created_at)
        items = [contribution(_, i, show_dots=doc.show_dots) for i in ideas]
        if group.heading is None:
            blocks.append(Contributions(_('Other contributions') if named else None, items, level=level + 1))
        else:
            blocks.append(Contributions(group.heading, items, level=level + 1,
                                        dots=dots_label(_, group.dots) if group.dots and doc.show_dots else None,
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
