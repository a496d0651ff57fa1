"""Benchmark: export a large workshop's protocol (6 breakouts × 6 questions × 100 ideas, all dotted).

    .venv/bin/python bench/protocol_export.py [--runs 3] [--out /tmp/large.pdf]

Builds the workshop in a temporary SQLite file (rows written directly, it is only the
fixture), then times each step of an export as the app runs it: reading the database
into the document (on the event loop), and rendering each format (in a worker process
in the app; here in this process). The first PDF is timed separately: it includes
loading the embedded fonts, which a worker process does once. Prints a Markdown table
for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.db import Database
from workshop.models import Attendance, Breakout, BreakoutQuestion, Idea, Participant, Phase, Question, Vote
from workshop.protocol import archive, render
from workshop.protocol.document import load_document
from workshop.protocol.pdf import warm_up
from workshop.services.workshops import create_from_template
from workshop.templates import WorkshopTemplate

TOPICS, QUESTIONS, IDEAS, ROUNDS = 3, 6, 100, 2  # 3 topics in 2 rounds = 6 breakouts
PEOPLE_PER_BREAKOUT = 40
WORDS = ('Netzwerk Förderung Digitalisierung Fachkräfte Wasserstoff Kreislaufwirtschaft Mittelstand Hochschule '
         'Transfer Plattform Reallabor Cluster Gründung Wertschöpfung Qualifizierung Kooperation Sichtbarkeit '
         'Internationalisierung Datenräume Künstliche Intelligenz Bürokratieabbau Förderlotsen Innovationsgutschein '
         'Zulieferer Großunternehmen Start-ups Verbände Kammern Landesregierung Strategieprozess Roadmap').split()


def template() -> WorkshopTemplate:
    return WorkshopTemplate.model_validate({
        'title': 'Großer Beteiligungsworkshop: Innovationsstrategie 2030', 'language': 'de', 'format': 'hybrid',
        'organiser': 'Ministerium für Wirtschaft', 'start': '09:30', 'end': '16:00',
        'stakeholder_groups': ['Unternehmen', 'Hochschulen', 'Forschungseinrichtungen', 'Verbände'],
        'agenda': [{'time': '09:30', 'title': 'Begrüßung'},
                   {'time': '10:00', 'title': 'Workshops, Durchlauf 1', 'kind': 'breakout_round', 'round': 1},
                   {'time': '13:00', 'title': 'Workshops, Durchlauf 2', 'kind': 'breakout_round', 'round': 2},
                   {'time': '15:30', 'title': 'Resümee', 'kind': 'summary'}],
        'rounds': [{} for _ in range(ROUNDS)],
        'topics': [{'title': f'Themenfeld {t + 1}: {WORDS[t]} und {WORDS[t + 5]}',
                    'moderator': {'name': f'Moderation {t + 1}', 'organisation': 'Beratungsgesellschaft'},
                    'questions': [f'Leitfrage {q + 1}: Welche Maßnahmen zu „{WORDS[(t * 7 + q) % len(WORDS)]}“ '
                                  f'sind für Ihre Organisation in den nächsten Jahren am wichtigsten?'
                                  for q in range(QUESTIONS)]} for t in range(TOPICS)],
    })


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(5, 14))
    return ' '.join(words).capitalize() + rng.choice(('.', ' – mit Förderung ab 50.000 €.', '?', ' (dringend).'))


async def build(db: Database) -> int:
    rng = random.Random(2020)
    links = await create_from_template(db, template=template(), date=dt.date(2026, 5, 26))
    async with db.transaction() as session:
        breakouts = [await session.get(Breakout, b.breakout_id) for b in links.breakouts]
        groups = ['Unternehmen', 'Hochschulen', 'Forschungseinrichtungen', 'Verbände', None]
        people = [Participant(workshop_id=links.workshop_id, token=uuid.uuid4().hex, stakeholder_group=groups[n % 5])
                  for n in range(PEOPLE_PER_BREAKOUT * TOPICS)]
        session.add_all(people)
        await session.flush()
        start = dt.datetime(2026, 5, 26, 8, 0, tzinfo=dt.UTC)
        for breakout in breakouts:
            offset = (breakout.topic_id + breakout.round_id) % TOPICS
            members = people[offset * PEOPLE_PER_BREAKOUT:(offset + 1) * PEOPLE_PER_BREAKOUT]
            session.add_all(Attendance(participant_id=p.id, round_id=breakout.round_id, breakout_id=breakout.id)
                            for p in members)
            questions = [q for q in (await session.exec(
                Question.__table__.select().where(Question.topic_id == breakout.topic_id))).all()]
            for q in questions:
                session.add(BreakoutQuestion(breakout_id=breakout.id, question_id=q.id, phase=Phase.discuss))
                ideas = [Idea(breakout_id=breakout.id, question_id=q.id, participant_id=rng.choice(members).id,
                              text=sentence(rng), client_id=uuid.uuid4().hex,
                              created_at=start + dt.timedelta(seconds=rng.randint(0, 20000)),
                              group=rng.choice((None, 'Förderung', 'Vernetzung', 'Fachkräfte', 'Infrastruktur')))
                         for _ in range(IDEAS)]
                session.add_all(ideas)
                await session.flush()
                for idea in ideas:  # every idea dotted
                    for voter in rng.sample(members, rng.randint(1, 6)):
                        session.add(Vote(idea_id=idea.id, participant_id=voter.id, dots=1))
            breakout.key_results = [sentence(rng) for _ in range(4)]
    return links.workshop_id


def timed(fn, runs: int) -> tuple[float, float, float, object]:
    """(median wall time, slowest wall time, median CPU time of this process, result)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), max(times), statistics.median(cpu), result


async def in_worker(doc) -> tuple[float, float]:
    """Render the PDF in a fresh worker process while measuring how long the event loop is held up."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn')) as pool:
        # the app starts and warms a worker when the lead opens the protocol page
        await loop.run_in_executor(pool, warm_up, doc.language)
        t = time.perf_counter()
        future = loop.run_in_executor(pool, render.render, 'pdf', doc)
        stall = 0.0
        while not future.done():
            tick = time.perf_counter()
            await asyncio.sleep(0.005)
            stall = max(stall, time.perf_counter() - tick - 0.005)
        await future
        return time.perf_counter() - t, stall


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--out', help='also write the large PDF here (to look at it)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(os.path.join(tmp, 'bench.sqlite3'))
        db.create_schema()
        t = time.perf_counter()
        workshop_id = await build(db)
        print(f'built the workshop in {time.perf_counter() - t:.1f} s', file=sys.stderr)
        loads, load_cpu = [], []
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            async with db.session() as session:
                doc = await load_document(session, workshop_id)
            loads.append(time.perf_counter() - t)
            load_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        async with db.session() as session:
            data = await archive.export_archive(session, workshop_id)
        json_s, json_cpu = time.perf_counter() - t, time.process_time() - c
        ideas = sum(len(q.ideas) for topic in doc.topics for q in topic.questions)
        dots = sum(i.dots for topic in doc.topics for q in topic.questions for i in q.ideas)
        t, c = time.perf_counter(), time.process_time()
        first_pdf = render.render('pdf', doc)
        cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
        rows = [('read the database into the document', statistics.median(loads), max(loads),
                 statistics.median(load_cpu), None),
                ('archive (JSON) from the database', json_s, json_s, json_cpu, len(archive.dumps(data).encode()))]
        rows.append(('PDF, first in a fresh process (loads fonts and hyphenation dictionary)', cold, cold, cold_cpu,
                     len(first_pdf)))
        for fmt, label in (('pdf', 'PDF'), ('docx', 'DOCX'), ('md', 'Markdown'), ('csv', 'CSV')):
            median, worst, cpu, content = timed(lambda f=fmt: render.render(f, doc), args.runs)
            rows.append((label, median, worst, cpu, len(content)))
        worker_s, stall = await in_worker(doc)
        if args.out:
            Path(args.out).write_bytes(first_pdf)
        await db.dispose()
    import io

    from pypdf import PdfReader
    pages = len(PdfReader(io.BytesIO(first_pdf)).pages)
    cpu = next((line.split(':', 1)[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines()
                if line.startswith('model name')), platform.processor()) if Path('/proc/cpuinfo').exists() else ''
    print(f'Workshop: {len(doc.breakouts)} breakouts, {sum(len(t.questions) for t in doc.topics)} guiding questions '
          f'(each asked in {ROUNDS} rounds), {ideas} ideas, {dots} dots; the PDF has {pages} pages.\n')
    load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan')
    print(f'Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}; '
          f'median of {args.runs} runs; load average at the end {load:.1f}.\n')
    print(f'As the app runs it (in a worker process like NiceGUI\'s run.cpu_bound, warmed up when the protocol '
          f'page opened): the PDF took {worker_s:.2f} s from the click to the bytes; meanwhile the event loop '
          f'never stalled longer than {stall * 1000:.0f} ms (handing the document to the worker).\n')
    print('| step | wall, median | wall, slowest | CPU, median | size |')
    print('|---|---:|---:|---:|---:|')
    for label, median, worst, cpu_s, size in rows:
        print(f'| {label} | {median:.2f} s | {worst:.2f} s | {cpu_s:.2f} s | '
              f'{f"{size / 1024:,.0f} KB" if size else ""} |')


if __name__ == '__main__':
    asyncio.run(main())
