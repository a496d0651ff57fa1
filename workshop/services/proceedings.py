"""The protocol's "Verlauf" (how the day ran) and who represented the organiser, set by the lead moderator on the
protocol page. While the lead has written no text, the protocol drafts it from the agenda (protocol/proceedings.py);
a text saved exactly as drafted is kept as "drafted", so that it follows later changes of the agenda."""

from __future__ import annotations

from dataclasses import dataclass

from ..bus import Bus
from ..db import Database
from ..events import WorkshopChanged
from ..limits import PROCEEDINGS_MAX, REPRESENTATIVES_MAX, TITLE_MAX
from ..protocol.document import load_document
from ..protocol.proceedings import draft
from .access import led_workshop
from .errors import N_, NP_, Invalid
from .text import clean_text


@dataclass(frozen=True)
class Proceedings:
    text: str  # '' = drafted from the agenda
    representatives: list[str]
    draft: str  # what the agenda gives


async def load(db: Database, *, lead_secret: str) -> Proceedings:
    """The Verlauf as saved and as the agenda drafts it now."""
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        doc = await load_document(session, workshop.id)
    return Proceedings(doc.proceedings, list(doc.representatives), draft(doc))


async def set_proceedings(db: Database, bus: Bus, *, lead_secret: str, text: str | None,
                          representatives: list[str] | None) -> Proceedings:
    """The Verlauf (blank line: paragraph; "- ": bullet; empty or the draft itself: drafted from the agenda) and the
    organiser's representatives, one per item ("Dr. A. Beispiel, Ministerium für …"; empty items are dropped)."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)  # who asks first: a stranger learns nothing
        text = clean_text(text, max_length=PROCEEDINGS_MAX, min_length=0, multiline=True, field=N_('Proceedings'))
        people: list[str] = []
        for item in representatives or []:
            if item and item.strip():
                person = clean_text(item, max_length=TITLE_MAX, field=N_('Representatives'))
                if person not in people:
                    people.append(person)
        if len(people) > REPRESENTATIVES_MAX:
            raise Invalid(NP_('At most one representative of the organiser.',
                              'At most {n} representatives of the organiser.'), n=REPRESENTATIVES_MAX)
        drafted = draft(await load_document(session, workshop.id))
        if ' '.join(text.split()) == ' '.join(drafted.split()):
            text = ''  # as drafted: it stays drafted and follows the agenda
        workshop.proceedings = text
        workshop.representatives = people
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('protocol',)))
    return Proceedings(text, people, drafted)
