"""A breakout full of ideas for the wall tests: written like real contributions to a regional cluster
workshop, filed into six clusters by the moderator's services, some left unclustered, some with dots.

Seeded into the running server's SQLite file before any page of the room is open, so the wall reads it
all when it opens (a page reads its room's state from the database once).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from pathlib import Path

THEMES: dict[str, list[str]] = {
    'Förderung und Finanzierung': [
        'Förderlotsen, die Programme von Land, Bund und EU übersetzen',
        'Ein gemeinsamer Topf für Kofinanzierung kleiner Verbundprojekte',
        'Antragsfristen früher bekannt machen',
        'Beratung zu Förderanträgen speziell für KMU ohne eigene Förderabteilung',
        'Weniger Bürokratie bei Verwendungsnachweisen',
        'Mikroförderung bis 10.000 € für erste gemeinsame Schritte',
        'Regionale Stiftungen und Sparkassen einbinden',
        'Risikokapital für Ausgründungen aus Hochschulen',
        'Förderung auch für Netzwerkmanagement, nicht nur für Projekte',
        'Transparente Übersicht, wer welche Mittel bekommen hat',
        'Matching-Fonds: jeder private Euro wird verdoppelt',
        'Kurze Wege zur Wirtschaftsförderung',
    ],
    'Vernetzung und Austausch': [
        'Regelmäßiger Stammtisch der Clustermitglieder',
        'Matchmaking zwischen Hochschulen, Forschungseinrichtungen und KMU',
        'Eine feste Ansprechperson pro Cluster',
        'Digitale Plattform, auf der Mitglieder Bedarfe und Angebote posten',
        'Betriebsbesuche reihum bei den Mitgliedern',
        'Austausch mit Clustern aus Nachbarregionen und dem Ausland',
        'Arbeitsgruppen zu konkreten Themen statt großer Plenen',
        'Neue Mitglieder bekommen eine Patenschaft',
        'Jahreskonferenz mit Marktplatz der Projekte',
        'Kleine Formate: Frühstück, Mittagstisch, Online-Kaffee',
        'Kommunen und Landkreise aktiv einbeziehen',
        'Mehr Frauen in die Leitungsgremien der Netzwerke',
    ],
    'Fachkräfte und Bildung': [
        'Gemeinsame Ausbildungsverbünde kleiner Betriebe',
        'Duale Studiengänge mit mehreren Unternehmen zusammen',
        'Weiterbildung zu Digitalisierung und KI für Beschäftigte',
        'Schulkooperationen und Praktika schon ab Klasse 8',
        'Welcome Center für internationale Fachkräfte',
        'Wohnraum für Auszubildende und Studierende',
        'Berufsorientierung mit echten Projekten aus dem Cluster',
        'Quereinstieg erleichtern',
        'Mentoring für Gründerinnen',
        'Fachkräfte halten: Karrierewege innerhalb des Netzwerks',
        'Sprachkurse berufsbegleitend anbieten',
        'Gemeinsames Employer Branding der Region',
    ],
    'Digitalisierung und Daten': [
        'Gemeinsame Datenplattform für alle Cluster',
        'Breitband und Mobilfunk in den Gewerbegebieten',
        'Digitalisierungs-Check für kleine Betriebe',
        'Open Data der Verwaltung nutzbar machen',
        'IT-Sicherheit gemeinsam organisieren',
        'KI-Werkstatt, in der Firmen Anwendungen ausprobieren',
        'Datenräume mit klaren Regeln, wer welche Daten nutzen darf',
        'Digitale Zwillinge für Produktion und Logistik',
        'Förderung von Pilotprojekten mit Start-ups',
        'Schnittstellen standardisieren',
        'Cloud-Angebote aus der Region',
        'Digitale Verwaltungsleistungen für Unternehmen',
    ],
    'Sichtbarkeit und Kommunikation': [
        'Eine gemeinsame Marke für die Region',
        'Erfolgsgeschichten der Mitglieder erzählen',
        'Website und Newsletter des Clusters überarbeiten',
        'Auf Messen gemeinsam auftreten',
        'Presse- und Öffentlichkeitsarbeit professionalisieren',
        'Social Media mit Gesichtern aus den Betrieben',
        'Kurzfilme über Berufe im Cluster',
        'Sichtbarkeit bei Landes- und Bundesministerien erhöhen',
        'Tage der offenen Tür in allen Betrieben am selben Wochenende',
        'Englischsprachige Informationen für Investoren',
        'Eine Landkarte aller Mitglieder und Kompetenzen',
        'Preise für besonders gelungene Kooperationen',
    ],
    'Forschung und Transfer': [
        'Transferstellen der Hochschulen besser erreichbar machen',
        'Forschungsgutscheine für kleine Unternehmen',
        'Gemeinsame Labore und Testfelder',
        'Abschlussarbeiten zu Fragen aus den Betrieben',
        'Reallabore in den Kommunen',
        'Schneller Zugang zu Patenten und Lizenzen',
        'Wissenschaftlerinnen in Unternehmen auf Zeit',
        'Innovationsscouts, die in die Betriebe gehen',
        'Ergebnisse aus Forschungsprojekten verständlich aufbereiten',
        'Anwendungszentren für Wasserstoff und Energie',
        'Kooperationsverträge mit Mustervorlagen vereinfachen',
        'Hackathons mit Studierenden und Unternehmen',
    ],
}
UNCLUSTERED = [
    'Bestehende Netzwerke erst einmal zusammenführen, bevor neue gegründet werden',
    'Wer koordiniert das eigentlich langfristig?',
    'Bessere Anbindung mit Bus und Bahn zu den Gewerbegebieten',
    'Kinderbetreuung für Beschäftigte in Randzeiten',
    'Erfahrungen aus anderen Bundesländern auswerten',
    'Ehrenamtliche Strukturen nicht überfordern',
    'Klimaschutz als gemeinsames Ziel aller Cluster',
    'Flächen für Ansiedlungen sichern',
]
CONTEXTS = ['', ' – gerade im ländlichen Raum', ' (auch für Handwerksbetriebe)', ', mit festen Ansprechpartnern',
            ' – und zwar verbindlich für alle Partner', ', am besten schon im nächsten Jahr',
            ' – das hat in der Nachbarregion gut funktioniert', ', gemeinsam mit der IHK und der Handwerkskammer',
            ' – bitte einfach und unbürokratisch', ', auch für Start-ups und Soloselbständige']


def ideas(count: int) -> list[tuple[str, str | None]]:
    """``count`` ideas as (text, cluster title or None), the themes interleaved like a real collection."""
    pool: list[tuple[str, str | None]] = []
    for context in CONTEXTS:
        for n in range(12):
            for title, texts in THEMES.items():
                pool.append((texts[n] + context, title))
            if n < len(UNCLUSTERED):
                pool.append((UNCLUSTERED[n] + context, None))
    return pool[:count]


def seed(db_path: Path, moderator_link: str, count: int, *, phase: str | None = None, voters: int = 0) -> None:
    """Post ``count`` ideas on the moderator's behalf into the current question of the moderator's room,
    filed into the six clusters; ``voters`` people give dots (different numbers to different ideas);
    then set ``phase``. Runs in a thread of its own: the browser tests' thread has Playwright's loop."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_seed(db_path, moderator_link.rsplit('/', 1)[-1], count, phase, voters))
        except BaseException as e:  # handed to the test's thread
            errors.append(e)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _seed(db_path: Path, secret: str, count: int, phase: str | None, voters: int) -> None:
    from sqlmodel import select

    from workshop.bus import InProcessBus
    from workshop.db import Database
    from workshop.models import Attendance, Breakout, Participant, Round, Vote
    from workshop.services import curation, facilitation

    db, bus = Database(f'sqlite:///{db_path}'), InProcessBus()
    try:
        posted = [await curation.add_idea(db, bus, secret=secret, text=text, group=group)
                  for text, group in ideas(count)]
        if voters:
            async with db.transaction() as session:
                breakout = (await session.exec(select(Breakout).where(Breakout.moderator_secret == secret))).one()
                round_ = await session.get(Round, breakout.round_id)
                people = [Participant(workshop_id=breakout.workshop_id, token=f'seed-{secret[:8]}-{n}')
                          for n in range(voters)]
                session.add_all(people)
                await session.flush()
                session.add_all(Attendance(participant_id=p.id, round_id=round_.id, breakout_id=breakout.id)
                                for p in people)
                # person n dots every (n + 2)th idea: a spread of tallies from 0 to several
                for n, person in enumerate(people):
                    for idea in itertools.islice(posted, n % 5, None, n + 2):
                        session.add(Vote(idea_id=idea.id, participant_id=person.id))
        if phase:
            await facilitation.set_phase(db, bus, secret=secret, phase=phase)
    finally:
        await bus.close()
        await db.engine.dispose()
