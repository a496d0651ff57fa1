"""Small building blocks shared by several pages."""

from __future__ import annotations

from nicegui import ui

from ..i18n import Translate
from ..models import IdeaPublic, Phase, QuestionPublic


def question_heading(question: QuestionPublic | None, _: Translate, *, wall: bool = False) -> tuple[ui.label, ui.label]:
    """Block title (small) and the question itself; returns both labels for in-place updates."""
    block = ui.label('').classes('ws-question-block')
    text = ui.label('').classes('ws-wall-question' if wall else 'text-xl font-semibold leading-snug') \
        .mark('question').props('aria-live=polite')
    show_question(block, text, question, _)
    return block, text


def show_question(block: ui.label, text: ui.label, question: QuestionPublic | None, _: Translate) -> None:
    if question is None:
        block.set_text('')
        text.set_text(_('No guiding question yet.'))
        return
    block.set_text(f'{question.number}. {question.block}' if question.block else _('Guiding question'))
    text.set_text(f'{question.label} {question.text}')


def idea_card(idea: IdeaPublic, _: Translate, *, own: bool = False, wall: bool = False,
              author: str | None = None) -> ui.card:
    """One idea; its text is only ever shown as text, never as HTML."""
    card = ui.card().classes('w-full ws-idea-card' + (' ws-own' if own else '')).props('flat bordered')
    with card:
        ui.label(idea.text).classes('ws-idea ' + ('ws-wall-idea' if wall else 'text-base')).mark('idea')
        if own or author:
            with ui.row().classes('gap-2 items-center text-xs text-grey-8'):
                if own:
                    ui.badge(_('Your post'), color='primary').props('outline')
                if author:
                    ui.label(author)
    return card


def slug(label: str) -> str:
    """A breakout label as one marker word: 'W 1.2' -> 'W1.2'."""
    return ''.join(label.split())


def author_line(name: str | None, organisation: str | None) -> str | None:
    parts = [p for p in (name, organisation) if p]
    return ', '.join(parts) if parts else None


PHASE_COLOURS = {Phase.collect: 'primary', Phase.vote: 'deep-orange-10', Phase.discuss: 'positive',
                 Phase.closed: 'grey-8'}


def phase_names(_: Translate) -> dict[Phase, str]:
    return {Phase.collect: _('Collecting ideas'), Phase.vote: _('Dot voting'), Phase.discuss: _('Discussion'),
            Phase.closed: _('Closed')}


class PhaseBadge:
    """The phase of the current question, as a coloured chip that changes in place."""

    def __init__(self, _: Translate, phase: Phase, *, large: bool = False) -> None:
        self.names = phase_names(_)
        self.badge = ui.badge('').classes('text-2xl px-4 py-2' if large else 'text-sm px-2 py-1').mark('phase')
        self.set(phase)

    def set(self, phase: Phase) -> None:
        self.badge.set_text(self.names[phase])
        self.badge.props(f'color={PHASE_COLOURS[phase]}')
