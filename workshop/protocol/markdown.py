"""The protocol as Markdown (also the lead's live preview).

Every text from the database is escaped: participants' ideas and the lead's prose
show as typed, never as HTML or Markdown markup.
"""

from __future__ import annotations

import re

from . import layout
from .document import ProtocolDocument

_SPECIAL = re.compile(r'([\\`*_\[\]#|~])')  # ( ) ! need no escape: no [ can start a link or image
_LINE_START = re.compile(r'^(\s*)(\d+)([.)])|^(\s*)([-+>=])')


def escape(text: str, *, line_start: bool = True) -> str:
    """Plain text as Markdown that renders as exactly that text (no HTML, no markup).

    ``line_start``: the text begins a block (after "- " too), where "1." or "-" would start a list.
    """
    text = text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    text = _SPECIAL.sub(r'\\\1', text)
    if not line_start:
        return ' '.join(text.split('\n'))
    text = _LINE_START.sub(lambda m: f'{m.group(1)}{m.group(2)}\\{m.group(3)}' if m.group(2)
                           else f'{m.group(4)}\\{m.group(5)}', text)
    return ' '.join(text.split('\n'))


def _lines(text: str) -> str:
    """Lines of a contribution as one paragraph of a list item, with hard line breaks."""
    return '  \n  '.join(escape(line) for line in text.split('\n') if line.strip())


def _contribution(item: layout.Contribution, extra: str) -> list[str]:
    """A contribution as a list item; the moderation's "- " sub-points as a nested list under it."""
    lead, *rest = item.parts
    out = [f'- {_lines(lead)}{extra}']
    after_list = False
    for part in rest:
        if isinstance(part, list):
            out.extend(f'  - {escape(point)}' for point in part)
            after_list = True
        else:  # a paragraph after the sub-points: of the same item (a blank line, indented)
            out += ['', f'  {_lines(part)}'] if after_list else [f'  {_lines(part)}']
            after_list = False
    return out


def _prose(block: layout.Prose, out: list[str], *, indent: str = '') -> None:
    for part in block.parts:
        if isinstance(part, list):
            out.extend(f'{indent}- {escape(item)}' for item in part)
        else:
            out.append(f'{indent}*{escape(part)}*' if block.muted else f'{indent}{escape(part)}')
        out.append('')


def render_markdown(doc: ProtocolDocument) -> str:
    out: list[str] = []
    for block in layout.build(doc):
        if isinstance(block, layout.TitleBlock):
            out += [f'*{escape(block.kicker)}*', '', f'# {escape(block.title)}', '']
            if block.subtitle:
                out += [f'**{escape(block.subtitle)}**', '']
            for label, value in block.facts:
                lines = value.split('\n')
                out.append(f'- **{escape(label)}:** ' + escape(lines[0]) if len(lines) == 1 else
                           f'- **{escape(label)}:**')
                if len(lines) > 1:
                    out.extend(f'    - {escape(line)}' for line in lines)
            out += ['', f'*{escape(block.status)}*', '']
            if block.checksum:
                out += [f'*{escape(block.checksum)}*', '']
        elif isinstance(block, layout.Heading):
            out += [f'{"#" * (block.level + 1)} {escape(block.text)}', '']
        elif isinstance(block, layout.Prose):
            _prose(block, out)
        elif isinstance(block, layout.Note):
            out += [f'*{escape(block.text)}*', '']
        elif isinstance(block, layout.Bullets):
            out += [f'- {escape(item)}' for item in block.items] + ['']
        elif isinstance(block, layout.Table):
            out.append('| ' + ' | '.join(escape(h, line_start=False) for h in block.header) + ' |')
            out.append('|' + '|'.join('---:' if n else '---' for n in block.numeric) + '|')
            for row in block.rows:
                out.append('| ' + ' | '.join(escape(c, line_start=False) for c in row) + ' |')
            if block.total:
                out.append('| ' + ' | '.join(f'**{escape(c, line_start=False)}**' for c in block.total) + ' |')
            out.append('')
        elif isinstance(block, layout.Agenda):
            for row in block.rows:
                time = f'**{escape(row.time)}** ' if row.time else ''
                speaker = f' ({escape(row.speaker)})' if row.speaker else ''
                out.append(f'- {time}{escape(row.title)}{speaker}')
                out.extend(f'    - {escape(d)}' for d in row.details)
            out.append('')
        elif isinstance(block, layout.Numbered):
            out += [f'**{block.number}\\. {escape(block.title)}**', '']
            _prose(block.prose, out)
        elif isinstance(block, layout.Chart):
            continue  # the bar chart is the PDF's; the ranked list below says the same
        elif isinstance(block, layout.Contributions):
            if block.heading:  # a cluster: a heading one level below its question's, with its dots
                dots = f' *({escape(block.dots)})*' if block.dots else ''
                out += [f'{"#" * (block.level + 1)} {escape(block.heading)}{dots}', '']
            for item in block.items:
                extra = ', '.join(p for p in (item.dots, item.note) if p)
                out.extend(_contribution(item, f' *({escape(extra)})*' if extra else ''))
                # later rounds' gallery walk (after "*": a leading "+" starts no list)
                out.extend(f'  - *{escape(line, line_start=False)}*' for line in item.walk)
            out.append('')
    return '\n'.join(out).rstrip() + '\n'


def markdown_bytes(doc: ProtocolDocument) -> bytes:
    return render_markdown(doc).encode('utf-8')
