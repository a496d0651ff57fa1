"""The idea feed: cards that update in place — a new idea adds one card, a tally sets one label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import background_tasks, ui

from ..events import IdeaChanged, IdeaPosted
from ..i18n import Translate
from ..models import IdeaPublic, Phase
from ..runtime import Runtime


@dataclass
class CardActions:
    """What a moderator can do with a card (each gets the idea id)."""
    edit: Callable[[int], object]
    hide: Callable[[int, bool], object]
    mark: Callable[[int, bool], object]
    group: Callable[[int], object]
    merge: Callable[[int], object]


class IdeaCard:
    def __init__(self, feed: IdeaFeed, idea: IdeaPublic) -> None:
        _ = feed._
        self.idea = idea
        self.feed = feed
        wall = feed.wall
        own = feed.own is not None and idea.participant_id == feed.own
        self.card = ui.card().classes('w-full ws-idea-card gap-2' + (' ws-own' if own else '')) \
            .props('flat bordered').mark(f'idea-{idea.id}')
        with self.card:
            with ui.row().classes('w-full items-start no-wrap gap-3'):
                self.text = ui.label(idea.text).classes(
                    'ws-idea grow min-w-0 ' + ('ws-wall-idea' if wall else 'text-base')).mark('idea')
                self.dots = ui.badge('', color='primary').classes('text-base shrink-0').mark('dots')
            with ui.row().classes('w-full items-center gap-2 text-xs text-grey-8'):
                self.group = ui.label('').classes('ws-group')
                self.marked = ui.icon('star', color='amber-8').props(f'aria-label="{_("Key point")}"')
                self.edited = ui.label(_('(edited)'))
                if own:
                    ui.badge(_('Your post'), color='primary').props('outline')
                self.hidden = ui.badge(_('hidden'), color='grey-7')
                if feed.actions:
                    ui.space()
                    self._menu(feed.actions)
            if feed.on_vote:
                with ui.row().classes('items-center gap-3') as self.vote_row:
                    ui.button(icon='remove', on_click=lambda: feed.on_vote(idea.id, -1)) \
                        .props(f'round outline dense aria-label="{_("Take a dot back")}"').mark('unvote')
                    self.mine = ui.label('').classes('text-base min-w-[5rem] text-center').mark('my-dots')
                    ui.button(icon='add', on_click=lambda: feed.on_vote(idea.id, 1)) \
                        .props(f'round unelevated dense aria-label="{_("Give a dot")}"').mark('vote')
            else:
                self.vote_row = None
        self.refresh()

    def _menu(self, actions: CardActions) -> None:
        _ = self.feed._
        iid = self.idea.id
        with ui.button(icon='more_vert').props(f'flat round dense aria-label="{_("Curate")}"').mark('curate'):
            with ui.menu():
                ui.menu_item(_('Edit text'), on_click=lambda: actions.edit(iid)).mark('edit')
                ui.menu_item(_('Heading (cluster) …'), on_click=lambda: actions.group(iid)).mark('group')
                ui.menu_item(_('Mark as key point / unmark'), on_click=lambda: actions.mark(iid, not self.idea.marked)) \
                    .mark('mark')
                ui.menu_item(_('Merge with …'), on_click=lambda: actions.merge(iid)).mark('merge')
                ui.menu_item(_('Hide / show'), on_click=lambda: actions.hide(iid, not self.idea.hidden)).mark('hide')

    def refresh(self) -> None:
        """Show the idea's current state; only changed properties reach the browser."""
        idea, feed = self.idea, self.feed
        self.text.set_text(idea.text)
        self.group.set_text(idea.group or '')
        self.group.set_visibility(bool(idea.group))
        self.marked.set_visibility(idea.marked)
        self.edited.set_visibility(idea.edited and feed.moderator)
        self.hidden.set_visibility(idea.hidden)
        self.card.classes(add='opacity-50' if idea.hidden else '', remove='' if idea.hidden else 'opacity-50')
        self.dots.set_text(str(idea.dots))
        self.dots.set_visibility(feed.tallies_visible and idea.dots > 0)
        if self.vote_row is not None:
            self.vote_row.set_visibility(feed.phase == Phase.vote)
            mine = feed.my_dots.get(idea.id, 0)
            self.mine.set_text(feed._('{n} of your dots', n=mine) if mine else '')


class IdeaFeed:
    """Ideas newest first while collecting, ranked by dots while discussing.

    The phone's column is reversed in CSS, so appending a card shows it on top.
    """

    def __init__(self, _: Translate, *, own_participant_id: int | None = None, wall: bool = False,
                 moderator: bool = False, on_count: Callable[[int], None] | None = None,
                 on_vote: Callable[[int, int], object] | None = None, actions: CardActions | None = None,
                 phase: Phase = Phase.collect, hide_tallies: bool = True) -> None:
        self._ = _
        self.own = own_participant_id
        self.wall = wall
        self.moderator = moderator
        self.on_count = on_count
        self.on_vote = on_vote
        self.actions = actions
        self.phase = phase
        self.hide_tallies = hide_tallies
        self.my_dots: dict[int, int] = {}
        self.cards: dict[int, IdeaCard] = {}
        self.empty = ui.label(_('No ideas yet — be the first!')).classes(
            'text-grey-7 ' + ('text-2xl' if wall else '')).mark('no-ideas')
        classes = 'grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-4 items-start' if wall else \
            'flex flex-col-reverse gap-3'
        self.container = ui.element('div').classes(f'w-full {classes}') \
            .props('aria-live=polite aria-relevant=additions').mark('ideas')

    @property
    def tallies_visible(self) -> bool:
        if self.moderator or self.phase in (Phase.discuss, Phase.closed):
            return True
        return self.phase == Phase.vote and not self.hide_tallies

    @property
    def count(self) -> int:
        return len(self.cards)

    def show(self, ideas: list[IdeaPublic], *, ranked: bool = False) -> None:
        """Replace the cards: ``ideas`` newest first, or best first if ``ranked``."""
        self.container.clear()
        self.cards.clear()
        for idea in (ideas if self.wall else reversed(ideas)):
            self._add(idea, top=False)
        self._changed()

    def add(self, event: IdeaPosted) -> None:
        if event.idea_id in self.cards:
            return
        self._add(IdeaPublic(id=event.idea_id, breakout_id=event.breakout_id, question_id=event.question_id,
                             participant_id=event.participant_id, text=event.text, created_at=event.created_at,
                             group=event.group), top=True)
        self._changed()

    def change(self, event: IdeaChanged) -> None:
        card = self.cards.get(event.idea_id)
        if card is None:
            return
        if event.merged_into_id is not None or (event.hidden and not self.moderator):
            card.card.delete()
            del self.cards[event.idea_id]
            self._changed()
            return
        card.idea = card.idea.model_copy(update={'text': event.text, 'hidden': event.hidden, 'group': event.group,
                                                 'marked': event.marked, 'edited': card.idea.edited or
                                                 event.text != card.idea.text})
        card.refresh()

    def set_tallies(self, tallies: dict[int, int], *, replace: bool = False) -> None:
        for idea_id, card in self.cards.items():
            if idea_id in tallies or replace:
                dots = tallies.get(idea_id, 0)
                if dots != card.idea.dots:
                    card.idea = card.idea.model_copy(update={'dots': dots})
                    card.refresh()

    def set_my_dots(self, mine: dict[int, int]) -> None:
        changed = {i for i in set(mine) | set(self.my_dots) if mine.get(i) != self.my_dots.get(i)}
        self.my_dots = dict(mine)
        for idea_id in changed:
            if idea_id in self.cards:
                self.cards[idea_id].refresh()

    def set_phase(self, phase: Phase, *, hide_tallies: bool | None = None) -> None:
        self.phase = phase
        if hide_tallies is not None:
            self.hide_tallies = hide_tallies
        for card in self.cards.values():
            card.refresh()

    def reload(self, load: Callable[[], object]) -> None:
        """Replace the cards with what ``load`` (a coroutine function) returns, in the background."""
        async def run() -> None:
            ideas, ranked = await load()
            self.show(ideas, ranked=ranked)
        background_tasks.create(run(), name='reload ideas')

    def _add(self, idea: IdeaPublic, *, top: bool) -> None:
        with self.container:
            card = IdeaCard(self, idea)
            if self.wall and top:  # the wall's grid isn't reversed: put the newest first
                card.card.move(target_index=0)
        self.cards[idea.id] = card

    def _changed(self) -> None:
        self.empty.set_visibility(not self.cards)
        if self.on_count:
            self.on_count(len(self.cards))


async def load_ideas(rt: Runtime, *, breakout_id: int, question_id: int | None, phase: Phase,
                     moderator: bool = False, limit: int | None = None) -> tuple[list[IdeaPublic], bool]:
    """The ideas a page shows for a question: newest first, or ranked once voting is over."""
    from ..services import ideas, votes
    if question_id is None:
        return [], False
    async with rt.db.session() as session:
        rows = await ideas.ideas_of(session, breakout_id=breakout_id, question_id=question_id, limit=limit,
                                    include_hidden=moderator)
        counts = await votes.tallies(session, breakout_id=breakout_id, question_id=question_id)
    rows = [r.model_copy(update={'dots': counts.get(r.id, 0)}) for r in rows]
    if phase in (Phase.discuss, Phase.closed):
        # best first; the stable sort keeps newest-first among equal tallies
        return sorted(rows, key=lambda r: -r.dots), True
    return rows, False
