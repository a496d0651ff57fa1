"""A workshop that ran: two rounds of the cluster workshop with ideas, dots, headings, a hidden
idea, a merged duplicate, key results, context, conclusions and a participation correction —
all made through the services, as the app makes them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from workshop.services import curation, facilitation, ideas, lead, moderation, participants, results, votes, workshops
from workshop.services.workshops import WorkshopLinks


@dataclass
class Ran:
    links: WorkshopLinks
    lead_secret: str
    visible: dict[str, int] = field(default_factory=dict)  # idea text -> dots
    unvoted: set[str] = field(default_factory=set)  # ideas of questions without dot voting (no count shown)
    hidden: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    key_results: list[str] = field(default_factory=list)
    conclusions: list[str] = field(default_factory=list)


SCRIPT_IDEA = "<script>alert('x')</script> & **fett** =SUMME(A1)"
FORMULA_IDEA = '=HYPERLINK("https://example.org";"Mehr")'
LONG_COMPOUND = ('Leistungsfähigkeitssteigerung durch Clusterstrategieprozessoptimierungsmaßnahmen und '
                 'Donaudampfschifffahrtsgesellschaftskapitänsmützen für „alle“ Netzwerkpartner')


async def run_workshop(db, bus, links: WorkshopLinks) -> Ran:
    from workshop.services import protocol
    code, wid = links.join_code, links.workshop_id
    b = {x.label: x for x in links.breakouts}
    ran = Ran(links=links, lead_secret=links.lead_secret)

    async def person(breakout: str, **kw) -> str:
        _p, token = await participants.join(db, code=code, **kw)
        await participants.choose_breakout(db, bus, token=token, workshop_id=wid, breakout_id=b[breakout].breakout_id)
        return token

    anna = await person('W 1.1', name='Anna Grün', organisation='Hochschule Süd', stakeholder_group='Hochschulen')
    ben = await person('W 1.1', stakeholder_group='Unternehmen')
    cara = await person('W 1.1', name='Jörg Müller', organisation='Müller & Söhne GmbH',
                        stakeholder_group='Unternehmen')
    dora = await person('W 1.2', stakeholder_group='Forschungseinrichtungen')
    emil = await person('W 1.2')

    s11 = b['W 1.1'].moderator_secret

    async def post(token: str, breakout: str, text: str, n: list[int]) -> int:
        n[0] += 1
        idea = await ideas.post_idea(db, bus, token=token, breakout_id=b[breakout].breakout_id, text=text,
                                     client_id=f'{breakout}-{n[0]}')
        return idea.id

    n = [0]
    i_initiators = await post(anna, 'W 1.1', 'Hochschulen und Kammern als Initiatoren', n)
    i_door = await post(ben, 'W 1.1', 'Wirtschaftsförderung der Region als „Türöffner“ für KMU', n)
    i_big = await post(cara, 'W 1.1', 'Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)', n)
    await post(cara, 'W 1.1', SCRIPT_IDEA, n)
    i_spam = await post(ben, 'W 1.1', 'Kaufen Sie jetzt günstige Uhren', n)
    i_dup = await post(anna, 'W 1.1', 'Wirtschaftsförderung als Türöffner', n)
    await curation.hide_idea(db, bus, secret=s11, idea_id=i_spam, reason='abuse')
    await curation.merge_ideas(db, bus, secret=s11, keep_id=i_door, merge_id=i_dup)
    await curation.set_group(db, bus, secret=s11, idea_id=i_initiators, group='Öffentliche Hand & Wissenschaft')
    await curation.set_group(db, bus, secret=s11, idea_id=i_door, group='Öffentliche Hand & Wissenschaft')
    await curation.set_group(db, bus, secret=s11, idea_id=i_big, group='Wirtschaft')
    await facilitation.set_phase(db, bus, secret=s11, phase='vote')
    for token, idea in ((anna, i_door), (ben, i_door), (cara, i_door), (anna, i_big), (ben, i_big),
                        (cara, i_initiators)):
        await votes.cast_dot(db, bus, token=token, idea_id=idea)
    ran.visible.update({'Hochschulen und Kammern als Initiatoren': 1,
                        'Wirtschaftsförderung der Region als „Türöffner“ für KMU': 3,
                        'Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)': 2, SCRIPT_IDEA: 0})
    ran.hidden.append('Kaufen Sie jetzt günstige Uhren')
    ran.merged.append('Wirtschaftsförderung als Türöffner')

    async with db.session() as s:
        q11 = await workshops.questions_of(s, (await workshops.get_breakout(s, b['W 1.1'].breakout_id)).topic_id)
        q12 = await workshops.questions_of(s, (await workshops.get_breakout(s, b['W 1.2'].breakout_id)).topic_id)
    await moderation.set_question(db, bus, secret=s11, question_id=q11[1].id)
    await post(ben, 'W 1.1', 'Ja, über gemeinsame Forschungsprojekte (Förderung: 50.000 €)', n)
    ran.visible['Ja, über gemeinsame Forschungsprojekte (Förderung: 50.000 €)'] = 0
    await curation.add_idea(db, bus, secret=s11, text=FORMULA_IDEA)  # a paper card, typed in by the moderator
    ran.visible[FORMULA_IDEA] = 0
    await results.save(db, bus, secret=s11, items=['Initiatoren sind meist Hochschulen, Kammern und die '
                                                   'Wirtschaftsförderung.'])
    await results.save(db, bus, secret=s11, question_id=q11[0].id, items=['Öffentliche Hand als Türöffner'])
    ran.key_results.append('Initiatoren sind meist Hochschulen, Kammern und die Wirtschaftsförderung.')

    s12 = b['W 1.2'].moderator_secret
    await post(dora, 'W 1.2', LONG_COMPOUND, n)
    await moderation.set_question(db, bus, secret=s12, question_id=q12[1].id)
    await post(emil, 'W 1.2', 'Strategie als gemeinsamer Kompass für die Mitglieder', n)
    ran.visible[LONG_COMPOUND] = 0
    ran.visible['Strategie als gemeinsamer Kompass für die Mitglieder'] = 0

    # round 2: Anna goes to W 2.1 (same topic as W 1.1: merged in the protocol)
    await lead.open_round(db, bus, lead_secret=links.lead_secret, round_number=2)
    await participants.choose_breakout(db, bus, token=anna, workshop_id=wid, breakout_id=b['W 2.1'].breakout_id)
    await participants.choose_breakout(db, bus, token=dora, workshop_id=wid, breakout_id=b['W 2.1'].breakout_id)
    await post(anna, 'W 2.1', 'Landesministerium als Initiator von Clustern', n)
    await facilitation.set_phase(db, bus, secret=b['W 2.1'].moderator_secret, phase='vote')
    async with db.session() as s:
        rows = await ideas.ideas_of(s, breakout_id=b['W 2.1'].breakout_id)
    await votes.cast_dot(db, bus, token=dora, idea_id=rows[0].id)
    ran.visible['Landesministerium als Initiator von Clustern'] = 1
    await results.save(db, bus, secret=b['W 2.1'].moderator_secret,
                       items=['Das Land sollte als Initiator auftreten.',
                              'Initiatoren sind meist Hochschulen, Kammern und die Wirtschaftsförderung.'])
    ran.key_results.append('Das Land sollte als Initiator auftreten.')

    await protocol.set_context(db, bus, lead_secret=links.lead_secret,
                               text='Cluster sind ein zentrales Instrument der Innovationspolitik.\n\n'
                                    'Der Workshop fragte nach Entstehung, Strategie und Zukunftsthemen.')
    await protocol.add_conclusion(db, bus, lead_secret=links.lead_secret, title='Netzwerke gezielt anstoßen',
                                  text='Das Ministerium sollte Initiatoren unterstützen.\n\n- Beratung\n- Förderung')
    await protocol.add_conclusion(db, bus, lead_secret=links.lead_secret, title='Strategieprozesse begleiten',
                                  text='')
    ran.conclusions += ['Netzwerke gezielt anstoßen', 'Strategieprozesse begleiten']
    await protocol.set_participation_extra(db, bus, lead_secret=links.lead_secret, group='Unternehmen', count=2)
    ran.unvoted = {'Ja, über gemeinsame Forschungsprojekte (Förderung: 50.000 €)', FORMULA_IDEA, LONG_COMPOUND,
                   'Strategie als gemeinsamer Kompass für die Mitglieder'}
    return ran


@pytest.fixture
async def ran(db, bus, cluster) -> Ran:
    return await run_workshop(db, bus, cluster)
