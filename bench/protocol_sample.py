"""A sample protocol of the cluster workshop, for the README's page images (docs/protocol-page-*.png).

    .venv/bin/python bench/protocol_sample.py OUT_DIR

Runs a small workshop through the services (join, post, curate, vote, key results,
context, conclusions), writes OUT_DIR/sample.{pdf,docx,md,csv,json} and, with Poppler's
pdftoppm, OUT_DIR/page-N.png.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw

from workshop.bus import InProcessBus
from workshop.db import Database
from workshop.protocol import render
from workshop.services import curation, facilitation, ideas, lead, participants, protocol, results, votes, workshops
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

ROOM_1 = {  # question index -> [(idea, heading)]
    0: [('Hochschulen und Forschungseinrichtungen als Keimzellen', 'Wissenschaft'),
        ('Wirtschaftsförderung der Region als „Türöffner“ für kleine und mittlere Unternehmen', 'Öffentliche Hand'),
        ('Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)', 'Wirtschaft'),
        ('Kammern und Verbände, die Unternehmen einer Branche zusammenbringen', 'Öffentliche Hand'),
        ('Einzelne engagierte Personen – ohne sie entsteht kein Netzwerk', None),
        ('Landesförderung als Anschub für die ersten drei Jahre', 'Öffentliche Hand'),
        ('Gemeinsame Forschungsprojekte, aus denen ein Verein wurde', 'Wissenschaft')],
    1: [('Ja, meist über Lieferbeziehungen, selten über gemeinsame Projekte', None),
        ('Nein – erst die Förderung hat die Partner an einen Tisch gebracht', None)],
}
VOTES_1 = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 5), (0, 0), (1, 0), (2, 3),  # voter, idea
           (3, 6)]


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db, bus = Database(f'{tmp}/sample.sqlite3'), InProcessBus()
        db.create_schema()
        links = await create_from_template(db, template=load_template('cluster-workshop'),
                                           template_name='cluster-workshop', date=dt.date(2020, 5, 26))
        b = {x.label: x for x in links.breakouts}
        groups = ['Unternehmen', 'Hochschulen', 'Forschungseinrichtungen', 'Clustermanagements / Netzwerke',
                  'Verbände und Kammern', 'Ministerien und Verwaltung']
        tokens = []
        for n in range(24):
            _p, token = await participants.join(db, code=links.join_code, stakeholder_group=groups[n % 6])
            room = ('W 1.1', 'W 1.2', 'W 1.3')[n % 3]
            await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id,
                                               breakout_id=b[room].breakout_id)
            tokens.append((token, room))
        in_room = [t for t, room in tokens if room == 'W 1.1']
        secret = b['W 1.1'].moderator_secret
        async with db.session() as s:
            questions = await workshops.questions_of(
                s, (await workshops.get_breakout(s, b['W 1.1'].breakout_id)).topic_id)
        posted: dict[int, list[int]] = {}
        for q_index, items in ROOM_1.items():
            await curation_question(db, bus, secret, questions[q_index].id)
            for n, (text, heading) in enumerate(items):
                idea = await ideas.post_idea(db, bus, token=in_room[n % len(in_room)],
                                             breakout_id=b['W 1.1'].breakout_id, text=text,
                                             client_id=f'{q_index}-{n}', question_id=questions[q_index].id)
                posted.setdefault(q_index, []).append(idea.id)
                if heading:
                    await curation.set_group(db, bus, secret=secret, idea_id=idea.id, group=heading)
        await curation_question(db, bus, secret, questions[0].id)
        await facilitation.set_phase(db, bus, secret=secret, phase='vote', question_id=questions[0].id)
        for voter, index in VOTES_1:
            await votes.cast_dot(db, bus, token=in_room[voter], idea_id=posted[0][index])
        await results.save(db, bus, secret=secret, items=[
            'Cluster entstehen dort, wo Hochschulen, Unternehmen und Wirtschaftsförderung schon zusammenarbeiten.',
            'Die Anschubfinanzierung des Landes ist für die ersten Jahre entscheidend.',
            'Ohne engagierte Einzelpersonen als Treiber bleibt ein Netzwerk eine Hülle.'])
        secret2 = b['W 1.2'].moderator_secret
        await results.save(db, bus, secret=secret2, items=[
            'Eine Clusterstrategie braucht messbare Ziele und einen jährlichen Review.',
            'Methodenkompetenz (Roadmapping, Szenarien) fehlt in vielen Clustermanagements.'])
        await lead.open_round(db, bus, lead_secret=links.lead_secret, round_number=2)
        await protocol.set_context(db, bus, lead_secret=links.lead_secret, text=(
            'Cluster und Netzwerke sind seit vielen Jahren ein zentrales Instrument der Innovations- und '
            'Wirtschaftspolitik des Landes. Technologischer Wandel, neue Wertschöpfungsketten und veränderte '
            'Förderlandschaften stellen sie vor neue Aufgaben.\n\nDas Ministerium hat daher gemeinsam mit den '
            'Beteiligten geprüft, wie Cluster entstehen, wie sie ihre Strategien entwickeln und welche '
            'Zukunftsthemen und Cross-Innovationen an Bedeutung gewinnen.'))
        for title, text in (
                ('Netzwerkbildung gezielt anstoßen', 'Das Land sollte Initiatoren aus Wissenschaft und Wirtschaft '
                 'mit einer befristeten Anschubfinanzierung unterstützen und die regionale Wirtschaftsförderung '
                 'als Türöffner einbinden.'),
                ('Strategieprozesse professionalisieren', 'Clustermanagements brauchen Methodenwissen '
                 '(Roadmapping, Szenarien, Scorecards). Ein landesweites Qualifizierungsangebot wird empfohlen.'),
                ('Cross-Clustering fördern', 'Gemeinsame Formate mehrerer Cluster machen '
                 'Querschnittspotenziale sichtbar.')):
            await protocol.add_conclusion(db, bus, lead_secret=links.lead_secret, title=title, text=text)
        await protocol.set_participation_extra(db, bus, lead_secret=links.lead_secret,
                                               group='Ministerien und Verwaltung', count=2)
        logo = Image.new('RGB', (480, 140), 'white')
        draw = ImageDraw.Draw(logo)
        draw.rectangle((0, 0, 130, 140), fill=(11, 92, 173))
        draw.text((150, 45), 'Ministerium für Wirtschaft', fill=(29, 29, 31))
        buffer = io.BytesIO()
        logo.save(buffer, 'PNG')
        await protocol.set_logo(db, bus, lead_secret=links.lead_secret, content=buffer.getvalue())
        for fmt in ('pdf', 'docx', 'md', 'csv', 'json'):
            result = await render.export(db, links.workshop_id, fmt)
            (out / f'sample.{fmt}').write_bytes(result.content)
        await db.dispose()
    subprocess.run(['pdftoppm', '-png', '-r', '60', str(out / 'sample.pdf'), str(out / 'page')], check=True)
    print('\n'.join(sorted(str(p) for p in out.iterdir())))


async def curation_question(db, bus, secret: str, question_id: int) -> None:
    from workshop.services import moderation
    await moderation.set_question(db, bus, secret=secret, question_id=question_id)


if __name__ == '__main__':
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else 'sample-protocol')))
