"""Key results with what they rest on (#15): on the moderator page, on the plenary wall's Resümee (the topic level,
as the protocol prints it) and the topic level's editor on the protocol page."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing import User

from workshop.models import Question
from workshop.runtime import runtime
from workshop.services import clusters, facilitation, ideas, lead, participants, results, votes
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_facilitation_flow import WAIT


async def _room():
    """W 1.1 with a cluster of two ideas and three dots on them, its question's key results saved from the draft."""
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    tokens = []
    for _n in range(3):
        _p, token = await participants.join(rt.db, code=links.join_code)
        await participants.choose_breakout(rt.db, rt.bus, token=token, workshop_id=links.workshop_id,
                                           breakout_id=w11.breakout_id)
        tokens.append(token)
    posted = [await ideas.post_idea(rt.db, rt.bus, token=tokens[0], breakout_id=w11.breakout_id, text=text,
                                    client_id=ideas.new_client_id())
              for text in ('Hochschulen stoßen an', 'Kammern stoßen an', 'Einzelne Stimme')]
    question_id = posted[0].question_id
    cluster_id = await clusters.create_cluster(rt.db, rt.bus, secret=w11.moderator_secret, title='Initiatoren',
                                               question_id=question_id)
    for idea in posted[:2]:
        await clusters.file_idea(rt.db, rt.bus, secret=w11.moderator_secret, idea_id=idea.id, cluster_id=cluster_id)
    await facilitation.set_phase(rt.db, rt.bus, secret=w11.moderator_secret, phase='vote')
    for token in tokens:
        await votes.cast_dot(rt.db, rt.bus, token=token, idea_id=posted[0].id)
    await results.save(rt.db, rt.bus, secret=w11.moderator_secret, question_id=question_id,
                       items=['Initiatoren', 'Eigene Beobachtung'])
    return links, question_id, tokens, [i.id for i in posted]


def _texts(user: User, marker: str) -> list[str]:
    try:
        return sorted(e.text for e in user.find(marker=marker).elements)  # found as a set: sorted to compare
    except AssertionError:  # none (yet)
        return []


async def test_the_moderator_page_says_what_each_key_result_rests_on(user: User):
    links, question, tokens, posted = await _room()
    await user.open(f'/m/{links.breakouts[0].moderator_secret}')
    await user.should_see('gestützt auf 2 Beiträge, 3 Punkte', retries=WAIT)
    assert _texts(user, 'question-result') == ['• Eigene Beobachtung', '• Initiatoren']
    assert _texts(user, 'question-result-support') == ['gestützt auf 2 Beiträge, 3 Punkte']  # the second: nothing
    # a dot more on the cluster's second idea: the line follows the voting
    await votes.cast_dot(runtime().db, runtime().bus, token=tokens[0], idea_id=posted[1])
    await until(lambda: _texts(user, 'question-result-support') == ['gestützt auf 2 Beiträge, 4 Punkte'],
                timeout=WAIT)

    # the breakout level, drafted from its question's key results, keeps their citations when saved
    user.find(marker='draft-breakout-results').click()
    await until(lambda: 'Initiatoren' in (next(iter(user.find(marker='breakout-results').elements)).value or ''))
    user.find(marker='save-breakout-results').click()
    await until(lambda: _texts(user, 'breakout-result-support') == ['gestützt auf 2 Beiträge, 4 Punkte'])

    # the summary of the answers, next to the question's key results (the minutes print it above the answers)
    user.find(marker='question-summary').type('Vor allem Wissenschaft und Kammern.')
    user.find(marker='save-question-summary').click()
    await user.should_see('Gespeichert ✓', retries=WAIT)
    async with runtime().db.session() as s:
        assert (await s.get(Question, question)).summary == 'Vor allem Wissenschaft und Kammern.'


async def test_the_resumee_shows_the_topic_level_as_the_protocol_prints_it(user: User,
                                                                           create_user: Callable[[], User]):
    rt = runtime()
    links, *_rest = await _room()  # only per-question key results: the Resümee showed none before
    await user.open(f'/wall/{links.join_code}')
    await lead.set_summary_topic(rt.db, rt.bus, lead_secret=links.lead_secret, topic_number=1)
    await user.should_see('gestützt auf 2 Beiträge, 3 Punkte', retries=WAIT)
    assert _texts(user, 'summary-result') == ['• Eigene Beobachtung', '• Initiatoren']

    # the lead writes the topic level on the protocol page: the wall follows
    lead_user = create_user()
    await lead_user.open(f'/lead/{links.lead_secret}/protocol')
    await lead_user.should_see('So zeigen sie Resümee und Protokoll:')
    await until(lambda: _texts(lead_user, 'topic-result-1') == ['• Eigene Beobachtung', '• Initiatoren'])
    lead_user.find(marker='topic-results-1').type('Initiatoren\nDas Land als Initiator')
    lead_user.find(marker='save-topic-results-1').click()
    await until(lambda: _texts(user, 'summary-result') == ['• Das Land als Initiator', '• Initiatoren'], timeout=WAIT)
    assert _texts(user, 'summary-support') == ['gestützt auf 2 Beiträge, 3 Punkte']
    await until(lambda: _texts(lead_user, 'topic-result-1') == ['• Das Land als Initiator', '• Initiatoren'])
    assert any(isinstance(e, ui.button) for e in lead_user.find(marker='draft-topic-results-1').elements)


async def test_the_lead_edits_the_key_results_of_the_topic_on_the_wall_from_the_cockpit(user: User):
    rt = runtime()
    links, *_rest = await _room()
    await user.open(f'/lead/{links.lead_secret}')
    user.find(marker='summary-next').click()
    await user.should_see('Kernergebnisse zu Workshop 1 (Resümee und Protokoll)', retries=WAIT)
    await until(lambda: _texts(user, 'topic-result-1') == ['• Eigene Beobachtung', '• Initiatoren'])
    user.find(marker='topic-results-1').type('Initiatoren')
    user.find(marker='save-topic-results-1').click()
    await until(lambda: _texts(user, 'topic-result-1') == ['• Initiatoren'])
    assert _texts(user, 'topic-result-1-support') == ['gestützt auf 2 Beiträge, 3 Punkte']
    async with rt.db.session() as s:
        summary = await results.topic_summary(s, workshop_id=links.workshop_id, topic_number=1)
    assert summary.key_results == ['Initiatoren']


def test_what_a_key_result_rests_on_in_words():
    from workshop.i18n import translator
    from workshop.pages.key_results import support_text
    de, en = translator('de'), translator('en')
    assert support_text(de, results.Support(1, 1)) == 'gestützt auf 1 Beitrag, 1 Punkt'
    assert support_text(de, results.Support(7, 12)) == 'gestützt auf 7 Beiträge, 12 Punkte'
    assert support_text(de, results.Support(3, 0)) == 'gestützt auf 3 Beiträge'  # no dots: no "0 Punkte"
    assert support_text(de, results.Support(3, 5), show_dots=False) == 'gestützt auf 3 Beiträge'
    assert support_text(de, results.Support(0, 0)) == '' and support_text(de, None) == ''
    assert support_text(en, results.Support(1, 2)) == 'based on 1 contribution, 2 dots'
