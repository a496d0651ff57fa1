"""Long contributions: the moderator types what came in by chat or on a flip chart (up to 2,000 characters, in
lines), a phone keeps its 500; each input box says its limit with a counter."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.limits import IDEA_GROUP_MAX, IDEA_MAX, IDEA_MODERATION_MAX
from workshop.runtime import runtime
from workshop.services import clusters
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_facilitation_flow import WAIT, _board, _element
from .test_live_loop import _join

SUMMARY = ('Zusammenfassung aus dem Chat der Videokonferenz (mehrere Teilnehmende aus Unternehmen):\n'
           '- Netzwerke entstehen dort, wo schon Lieferbeziehungen bestehen\n'
           '- Hochschulen sind wichtige, aber langsame Partner\n' + '- ' + 'sehr lange Ausführung ' * 30).strip()


async def test_the_moderator_enters_and_edits_long_contributions_a_phone_keeps_its_limit(
        user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, phone = user, create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await _join(phone, links.join_code, 'W 1.1')
    box = _element(moderator, 'add-idea-input')
    assert box.props['maxlength'] == str(IDEA_MODERATION_MAX) and 'counter' in box.props and 'autogrow' in box.props
    phone_box = _element(phone, 'idea-input')
    assert phone_box.props['maxlength'] == str(IDEA_MAX) and 'counter' in phone_box.props
    assert 600 < len(SUMMARY) < IDEA_MODERATION_MAX

    # Enter adds it (Shift+Enter is a new line in the browser: the event listener is "exact")
    moderator.find(marker='add-idea-input').type(SUMMARY).trigger('keydown.enter.exact.prevent')
    await until(lambda: any(i['text'] == SUMMARY for i in _board(moderator).items.values()),
                what=lambda: f'the summary on the board: {list(_board(moderator).items.values())}')
    await until(lambda: any(i['text'] == SUMMARY for i in _board(phone).items.values()))
    assert box.value == ''

    # editing an idea allows the moderation's limit, renaming a cluster the title's
    idea_id = next(i for i, item in _board(moderator).items.items() if item['text'] == SUMMARY)
    moderator.find(marker='ideas').trigger('curate', {'action': 'edit', 'id': idea_id})
    dialog = _element(moderator, 'dialog-input')
    await until(lambda: dialog.value == SUMMARY)
    assert dialog.props['maxlength'] == str(IDEA_MODERATION_MAX) and 'counter' in dialog.props
    longer = SUMMARY + '\n- ergänzt: Kammern als Türöffner'
    dialog.set_value(longer)
    moderator.find(marker='dialog-ok').click()
    await until(lambda: _board(moderator).items[idea_id]['text'] == longer)

    cluster = await clusters.create_cluster(runtime().db, runtime().bus, secret=w11.moderator_secret,
                                            title='Netzwerke')
    await until(lambda: any(c['title'] == 'Netzwerke' for c in _board(moderator).props['clusters']), timeout=WAIT)
    moderator.find(marker='ideas').trigger('cluster', {'action': 'rename', 'cluster': cluster})
    await until(lambda: dialog.value == 'Netzwerke')
    assert dialog.props['maxlength'] == str(IDEA_GROUP_MAX)
