"""All ideas of a workshop as CSV, for a spreadsheet: every status (visible, hidden, merged).

UTF-8 with a byte order mark (so that Excel reads umlauts), a semicolon between columns
for German workshops (what a German Excel expects), a comma for English ones. A cell a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
gets a leading apostrophe, so that a participant's "=HYPERLINK(…)" stays text.

New columns go at the end (after the author's, when there is one), so that a spreadsheet or
script reading the older columns by their place keeps working: cluster (its title, the same as
"group"), cluster colour (blue, green, … as in the archive) and cluster order (1, 2, … among the
question's clusters in that breakout). When the protocol shows no dots (its option), the dots column is empty.
With the protocol's option "citations" a last column says which of its topic's key results rest on the idea
("1, 3": the first and the third of them, in their order in the protocol). A workshop with a gallery walk
(#16) has two more before it: the dots later rounds gave the idea there,
and their comments (one per line in the cell).
"""

from __future__ import annotations

import csv
import io

from . import layout
from .document import ProtocolDocument

_FORMULA_START = ('=', '+', '-', '@', '\t', '\r', '\n')


def neutralise(value: object) -> str:
    text = '' if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def delimiter(doc: ProtocolDocument) -> str:
    return ';' if doc.language == 'de' else ','


def render_csv(doc: ProtocolDocument) -> str:
    _ = layout.words(doc)
    status = {'visible': _('visible'), 'hidden': _('hidden'), 'merged': _('merged into another idea')}
    reasons = {'off_topic': _('off topic'), 'duplicate': _('duplicate'), 'abuse': _('abuse'), 'other': _('other')}
    header = [_('topic'), _('round'), _('breakout'), _('question'), _('text'), _('dots'), _('group'), _('status'),
              _('time')]
    if doc.name_authors:
        header.append(_('author'))
    header += [_('cluster'), _('cluster colour'), _('cluster order')]
    walked = any(row.gallery_dots or row.comments for row in doc.idea_rows)  # only then: older files stay the same
    if walked:
        header += [_('gallery walk dots'), _('gallery walk comments')]
    if doc.citations:  # the protocol's option: which of its topic's key results rest on the idea ("1, 3")
        header.append(_('basis of key results (no.)'))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter(doc), quoting=csv.QUOTE_MINIMAL, lineterminator='\r\n')
    writer.writerow(header)
    for row in doc.idea_rows:
        state = status[row.status]
        if row.status == 'hidden' and row.hidden_reason:
            state += f' ({reasons.get(row.hidden_reason, row.hidden_reason)})'
        dots = row.dots if doc.show_dots else ''  # the protocol's option: no dots (the column keeps its place)
        values = [row.topic, row.round, row.breakout, row.question, row.text, dots, row.group or '', state,
                  row.created_at.astimezone().strftime('%Y-%m-%d %H:%M:%S')]
        if doc.name_authors:
            values.append(row.author or '')
        values += [row.group or '', row.cluster_colour or '', row.cluster_order or '']
        if walked:
            values += [row.gallery_dots if doc.show_dots else '', '\n'.join(row.comments)]
        if doc.citations:
            values.append(', '.join(str(n) for n in row.key_results))
        writer.writerow([v if isinstance(v, int) else neutralise(v) for v in values])
    return out.getvalue()


def csv_bytes(doc: ProtocolDocument) -> bytes:
    return '\ufeff'.encode('utf-8') + render_csv(doc).encode('utf-8')
