"""Editing a workshop (lead moderator's secret link): details, agenda, rounds, topics, moderation, questions.

Every form saves on its own button through ``services.editing``; after a change the affected
section is rebuilt from the database, and the page shows "saved" or the service's message.
Texts people typed are only ever shown in text elements and input values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from fastapi import Request, Response
from nicegui import ui

from ..i18n import LANGUAGES, Translate, translate_error
from ..models import AgendaItem, AgendaKind, Breakout, Question, Round, Topic, WorkshopFormat
from ..runtime import Runtime, runtime
from ..services import editing
from ..services.errors import ServiceError
from .frame import content, frame
from .secret_links import held_secret, invalid, lead_place, open_lead_link, same_place
from .widgets import slug

NO_ROUND = 0


@ui.page('/lead/{secret}/edit')
async def edit_link(secret: str) -> Response | None:
    """The old address with the secret: exchanged for a cookie, on to the page without it (secret_links.py)."""
    return await open_lead_link(secret, '/edit')


@ui.page('/lead/~/{code}/edit')
async def edit_page(request: Request, code: str) -> None:
    rt = runtime()
    place = lead_place(code)
    secret = held_secret(request, place)
    try:
        structure = await editing.load(rt.db, lead_secret=secret)
        same_place(lead_place(structure.workshop.join_code), place)
    except ServiceError as e:
        invalid(e)
        return
    _ = frame(lambda _: structure.workshop.title + ' · ' + _('Edit'), language=structure.workshop.language)
    Editor(rt, _, secret, structure).build()


class Editor:
    def __init__(self, rt: Runtime, _: Translate, secret: str, structure: editing.Structure) -> None:
        self.rt = rt
        self._ = _
        self.secret = secret
        self.s = structure
        self.open_topics: set[int] = set()
        self.sections: dict[str, Callable[[], None]] = {
            'agenda': self.build_agenda, 'rounds': self.build_rounds, 'topics': self.build_topics}
        self.boxes: dict[str, ui.column] = {}
        self.topic_boxes: dict[int, ui.column] = {}
        self.co_numbers: dict[str, int] = {}  # per breakout: the last number given to a further moderator's row

    # --- page ------------------------------------------------------------------------------------------

    def build(self) -> None:
        _ = self._
        with content(wide=True) as self.root:
            with ui.row().classes('w-full items-center justify-between gap-3'):
                with ui.column().classes('gap-0 min-w-0'):
                    ui.label(_('Edit workshop')).classes('text-xs text-grey-8')
                    self.heading = ui.label(self.s.workshop.title).classes('text-2xl font-bold leading-tight') \
                        .props('role=heading aria-level=1').mark('workshop-title')
                ui.button(_('Back to the lead moderation'), icon='arrow_back').props(
                    f'outline no-caps href={lead_place(self.s.workshop.join_code).path} tag=a').mark('back-to-lead')
            self.build_details()
            for name, title in (('agenda', _('Agenda')), ('rounds', _('Rounds')),
                                ('topics', _('Topics and guiding questions'))):
                ui.label(title).classes('text-lg font-semibold mt-4').props('role=heading aria-level=2')
                self.boxes[name] = ui.column().classes('w-full gap-2').mark(f'section-{name}')
                self.sections[name]()

    async def run(self, action: Callable[[], Awaitable[object]], *, rebuild: Iterable[str] = (),
                  topic: int | None = None) -> bool:
        """Call a service; on success reload the structure, rebuild what changed and say so."""
        # the clicked button may be gone after the rebuild: speak from the page's root
        with self.root:
            try:
                await action()
                self.s = await editing.load(self.rt.db, lead_secret=self.secret)
            except ServiceError as e:
                ui.notify(translate_error(self._, e), type='negative')
                return False
            for name in rebuild:
                self.sections[name]()
            changed_topic = next((t for t in self.s.topics if t.id == topic), None)
            if changed_topic is not None and changed_topic.id in self.topic_boxes:
                self.build_topic(changed_topic)
            ui.notify(self._('Saved'), type='positive')
        return True

    async def confirm(self, message: str) -> bool:
        _ = self._
        with self.root, ui.dialog() as dialog, ui.card().props('role=alertdialog'):
            ui.label(message).classes('text-base')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(_('Cancel'), on_click=lambda: dialog.submit(False)).props('flat no-caps') \
                    .mark('cancel-delete')
                ui.button(_('Delete'), icon='delete', color='negative', on_click=lambda: dialog.submit(True)) \
                    .props('unelevated no-caps').mark('confirm-delete')
        result = await dialog
        dialog.delete()
        return bool(result)

    def _buttons(self, key: str, *, save: Callable | None = None, up: Callable | None = None,
                 down: Callable | None = None, remove: Callable | None = None) -> None:
        _ = self._
        for handler, icon, label, suffix in ((save, 'save', _('Save'), 'save'),
                                             (up, 'arrow_upward', _('Move up'), 'up'),
                                             (down, 'arrow_downward', _('Move down'), 'down'),
                                             (remove, 'delete', _('Delete'), 'delete')):
            if handler is not None:
                ui.button(icon=icon, on_click=handler).props(f'flat dense round aria-label="{label}"') \
                    .classes('shrink-0').tooltip(label).mark(f'{key}-{suffix}')

    # --- details --------------------------------------------------------------------------------------------

    def build_details(self) -> None:
        _ = self._
        w = self.s.workshop
        formats = {WorkshopFormat.online.value: _('online'), WorkshopFormat.hybrid.value: _('hybrid'),
                   WorkshopFormat.onsite.value: _('on site')}
        with ui.card().classes('w-full').props('flat bordered').mark('details'):
            ui.label(_('Details')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            title = ui.input(_('Title'), value=w.title).props('maxlength=300').classes('w-full').mark('details-title')
            subtitle = ui.input(_('Subtitle'), value=w.subtitle or '').props('maxlength=300').classes('w-full') \
                .mark('details-subtitle')
            with ui.row().classes('w-full gap-3'):
                date = ui.input(_('Date'), value=w.date.strftime('%d.%m.%Y') if w.date else '',
                                placeholder=_('DD.MM.YYYY')).classes('w-36').mark('details-date')
                start = ui.input(_('Start time'), value=w.start_time or '', placeholder='14:00').classes('w-28') \
                    .mark('details-start')
                end = ui.input(_('End time'), value=w.end_time or '', placeholder='16:45').classes('w-28') \
                    .mark('details-end')
                fmt = ui.select(formats, value=w.format.value, label=_('Format')).classes('w-36') \
                    .mark('details-format')
                language = ui.select(LANGUAGES, value=w.language, label=_('Language')).classes('w-36') \
                    .mark('details-language')
            organiser = ui.input(_('Organiser'), value=w.organiser).props('maxlength=300').classes('w-full') \
                .mark('details-organiser')
            groups = ui.textarea(_('Stakeholder groups (one per line)'), value='\n'.join(w.stakeholder_groups)) \
                .props('autogrow').classes('w-full').mark('details-groups')
            context = ui.textarea(_('Context'), value=w.context).props('autogrow maxlength=20000') \
                .classes('w-full').mark('details-context')

            async def save() -> None:
                language_before = self.s.workshop.language
                saved = await self.run(lambda: editing.update_details(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, title=title.value, subtitle=subtitle.value,
                    date=date.value, start_time=start.value, end_time=end.value, format=fmt.value,
                    organiser=organiser.value, language=language.value, context=context.value,
                    stakeholder_groups=(groups.value or '').split('\n')))
                if saved:
                    w = self.s.workshop
                    self.heading.set_text(w.title)
                    for field, value in ((title, w.title), (subtitle, w.subtitle or ''), (start, w.start_time or ''),
                                         (end, w.end_time or ''), (organiser, w.organiser),
                                         (groups, '\n'.join(w.stakeholder_groups)), (context, w.context),
                                         (date, w.date.strftime('%d.%m.%Y') if w.date else '')):
                        field.set_value(value)
                    if w.language != language_before:
                        ui.navigate.reload()  # the page's own texts follow the workshop's language

            ui.button(_('Save details'), icon='save', on_click=save).props('unelevated no-caps') \
                .mark('details-save')

    # --- agenda ---------------------------------------------------------------------------------------------

    def build_agenda(self) -> None:
        box = self.boxes['agenda']
        box.clear()
        with box:
            with ui.card().classes('w-full gap-1').props('flat bordered'):
                for index, item in enumerate(self.s.agenda, start=1):
                    self._agenda_row(item, f'agenda-{index}')
                ui.separator()
                self._agenda_row(None, 'agenda-new')

    def _agenda_row(self, item: AgendaItem | None, key: str) -> None:
        _ = self._
        kinds = {AgendaKind.plenary.value: _('Plenary'), AgendaKind.break_.value: _('Break'),
                 AgendaKind.breakout_round.value: _('Breakout round'), AgendaKind.summary.value: _('Summary')}
        rounds = {NO_ROUND: '—', **{r.id: r.title for r in self.s.rounds}}
        with ui.row().classes('w-full items-center gap-2 no-wrap max-md:flex-wrap').mark(key):
            time = ui.input(_('Time'), value=(item.time or '') if item else '', placeholder='14:00') \
                .classes('w-20 shrink-0').mark(f'{key}-time')
            title = ui.input(_('Title'), value=item.title if item else '').props('maxlength=300') \
                .classes('grow min-w-48').mark(f'{key}-title')
            speaker = ui.input(_('Speaker'), value=(item.speaker or '') if item else '').props('maxlength=300') \
                .classes('w-48').mark(f'{key}-speaker')
            kind = ui.select(kinds, value=item.kind.value if item else AgendaKind.plenary.value, label=_('Kind')) \
                .classes('w-40').mark(f'{key}-kind')
            round_ = ui.select(rounds, value=(item.round_id or NO_ROUND) if item else NO_ROUND, label=_('Round')) \
                .classes('w-36').mark(f'{key}-round')
            round_.bind_visibility_from(kind, 'value', backward=lambda v: v == AgendaKind.breakout_round.value)

            def values() -> dict:
                breakout_round = kind.value == AgendaKind.breakout_round.value
                return {'title': title.value, 'time': time.value, 'speaker': speaker.value, 'kind': kind.value,
                        'round_id': (round_.value or None) if breakout_round else None}

            db, bus, secret = self.rt.db, self.rt.bus, self.secret
            if item is None:
                ui.button(_('Add'), icon='add', on_click=lambda: self.run(
                    lambda: editing.add_agenda_item(db, bus, lead_secret=secret, **values()), rebuild=['agenda'])) \
                    .props('outline no-caps').classes('shrink-0').mark('agenda-add')
                return

            async def remove() -> None:
                if await self.confirm(_('Delete the agenda item "{title}"?', title=item.title)):
                    await self.run(lambda: editing.delete_agenda_item(db, bus, lead_secret=secret, item_id=item.id),
                                   rebuild=['agenda'])

            self._buttons(
                key,
                save=lambda: self.run(lambda: editing.update_agenda_item(db, bus, lead_secret=secret, item_id=item.id,
                                                                         **values()), rebuild=['agenda']),
                up=lambda: self.run(lambda: editing.move_agenda_item(db, bus, lead_secret=secret, item_id=item.id,
                                                                     step=-1), rebuild=['agenda']),
                down=lambda: self.run(lambda: editing.move_agenda_item(db, bus, lead_secret=secret, item_id=item.id,
                                                                       step=1), rebuild=['agenda']),
                remove=remove)

    # --- rounds ---------------------------------------------------------------------------------------------

    def build_rounds(self) -> None:
        _ = self._
        box = self.boxes['rounds']
        box.clear()
        db, bus, secret = self.rt.db, self.rt.bus, self.secret
        everything = ['agenda', 'rounds', 'topics']
        with box, ui.card().classes('w-full gap-1').props('flat bordered'):
            for r in self.s.rounds:
                key = f'round-{r.number}'
                with ui.row().classes('w-full items-center gap-2 no-wrap').mark(key):
                    ui.label(f'{r.number}.').classes('w-6 shrink-0')
                    title = ui.input(_('Title'), value=r.title).props('maxlength=300').classes('grow') \
                        .mark(f'{key}-title')
                    if r.id == self.s.workshop.current_round_id:
                        ui.badge(_('current round'), color='positive').classes('shrink-0')

                    async def remove(r: Round = r) -> None:
                        if await self.confirm(_('Delete the round "{title}" with all its breakouts?', title=r.title)):
                            await self.run(lambda: editing.delete_round(db, bus, lead_secret=secret, round_id=r.id),
                                           rebuild=everything)

                    self._buttons(key, save=lambda r=r, title=title: self.run(
                        lambda: editing.rename_round(db, bus, lead_secret=secret, round_id=r.id, title=title.value),
                        rebuild=everything), remove=remove)
            ui.button(_('Add round'), icon='add', on_click=lambda: self.run(
                lambda: editing.add_round(db, bus, lead_secret=secret), rebuild=everything)) \
                .props('outline no-caps').mark('add-round')
            ui.label(_('A new round gets a breakout for every topic.')).classes('text-sm text-grey-8')

    # --- topics ---------------------------------------------------------------------------------------------

    def build_topics(self) -> None:
        _ = self._
        box = self.boxes['topics']
        box.clear()
        self.topic_boxes.clear()
        db, bus, secret = self.rt.db, self.rt.bus, self.secret
        with box:
            for t in self.s.topics:
                expansion = ui.expansion(f'{t.number}. {t.title}', value=t.id in self.open_topics) \
                    .classes('w-full bg-white').props('header-class="text-base font-semibold"') \
                    .mark(f'topic-{t.number}')
                expansion.on_value_change(lambda e, tid=t.id: self.open_topics.add(tid) if e.value
                                          else self.open_topics.discard(tid))
                with expansion:
                    self.topic_boxes[t.id] = ui.column().classes('w-full gap-2')
                self.build_topic(t)
            with ui.card().classes('w-full').props('flat bordered').mark('new-topic'):
                ui.label(_('New topic')).classes('font-semibold')
                title = ui.input(_('Title')).props('maxlength=300').classes('w-full').mark('new-topic-title')
                question = ui.textarea(_('First guiding question')).props('autogrow maxlength=1000') \
                    .classes('w-full').mark('new-topic-question')
                ui.button(_('Add topic'), icon='add', on_click=lambda: self.run(
                    lambda: editing.add_topic(db, bus, lead_secret=secret, title=title.value, question=question.value),
                    rebuild=['topics'])).props('outline no-caps').mark('add-topic')
                ui.label(_('A new topic gets a breakout in every round.')).classes('text-sm text-grey-8')

    def _co_moderator_row(self, box: ui.column, rows: list[tuple[ui.input, ui.input]], bkey: str,
                          person: dict) -> None:
        """One further moderator of a room: saved with the room's moderator (its save button)."""
        _ = self._
        number = self.co_numbers[bkey] = self.co_numbers.get(bkey, 0) + 1  # marks stay unique after a removal
        with box, ui.row().classes('w-full items-center gap-2 no-wrap max-md:flex-wrap') as row:
            name = ui.input(_('Further moderator'), value=person.get('name') or '').props('maxlength=300') \
                .classes('grow').mark(f'{bkey}-co-{number}-name')
            organisation = ui.input(_('Organisation'), value=person.get('organisation') or '') \
                .props('maxlength=300').classes('grow').mark(f'{bkey}-co-{number}-organisation')
            pair = (name, organisation)
            rows.append(pair)

            def remove() -> None:
                rows.remove(pair)
                row.delete()
            label = _('Remove this moderator (then save)')
            ui.button(icon='person_remove', on_click=remove).props(f'flat dense round aria-label="{label}"') \
                .classes('shrink-0').tooltip(label).mark(f'{bkey}-co-{number}-remove')

    def build_topic(self, t: Topic) -> None:
        _ = self._
        box = self.topic_boxes[t.id]
        box.clear()
        db, bus, secret = self.rt.db, self.rt.bus, self.secret
        key = f'topic-{t.number}'
        with box:
            with ui.row().classes('w-full items-center gap-2 no-wrap'):
                title = ui.input(_('Topic title'), value=t.title).props('maxlength=300').classes('grow') \
                    .mark(f'{key}-title')

                async def remove() -> None:
                    if await self.confirm(_('Delete the topic "{title}" with its questions and breakouts?',
                                            title=t.title)):
                        await self.run(lambda: editing.delete_topic(db, bus, lead_secret=secret, topic_id=t.id),
                                       rebuild=['topics'])

                self._buttons(key, save=lambda: self.run(lambda: editing.rename_topic(
                    db, bus, lead_secret=secret, topic_id=t.id, title=title.value), rebuild=['topics']), remove=remove)

            ui.label(_('Breakouts and moderation')).classes('font-semibold mt-2')
            for b in (b for b in self.s.breakouts if b.topic_id == t.id):
                bkey = f'breakout-{slug(b.label)}'
                co_rows: list[tuple[ui.input, ui.input]] = []  # the room's further moderators, saved with it
                with ui.row().classes('w-full items-center gap-2 no-wrap max-md:flex-wrap').mark(bkey):
                    ui.label(b.label).classes('w-16 shrink-0 font-semibold')
                    name = ui.input(_('Moderator'), value=b.moderator_name or '').props('maxlength=300') \
                        .classes('grow').mark(f'{bkey}-name')
                    organisation = ui.input(_('Organisation'), value=b.moderator_organisation or '') \
                        .props('maxlength=300').classes('grow').mark(f'{bkey}-organisation')

                    async def save(b: Breakout = b, name: ui.input = name, organisation: ui.input = organisation,
                                   co_rows: list[tuple[ui.input, ui.input]] = co_rows) -> None:
                        await self.run(lambda: editing.update_breakout(
                            db, bus, lead_secret=secret, breakout_id=b.id, moderator_name=name.value,
                            moderator_organisation=organisation.value,
                            co_moderators=[(n.value, o.value) for n, o in co_rows]))
                    self._buttons(bkey, save=save)
                co_box = ui.column().classes('w-full gap-1 pl-16 max-md:pl-0')
                self.co_numbers[bkey] = 0
                for person in b.co_moderators or []:
                    self._co_moderator_row(co_box, co_rows, bkey, person)
                ui.button(_('Add a moderator'), icon='person_add',
                          on_click=lambda co_box=co_box, co_rows=co_rows, bkey=bkey: self._co_moderator_row(
                              co_box, co_rows, bkey, {})) \
                    .props('flat dense no-caps').classes('ml-16 max-md:ml-0').mark(f'{bkey}-add-moderator')

            ui.label(_('Guiding questions')).classes('font-semibold mt-2')
            questions = self.s.questions.get(t.id, [])
            blocks = sorted({q.block for q in questions if q.block})
            for unit in editing.units(questions):
                if unit[0].block is not None:
                    self._block_row(t, unit[0])
                for q in unit:
                    self._question_row(t, q, blocks)
            with ui.row().classes('w-full items-center gap-2 no-wrap max-md:flex-wrap mt-2').mark(f'{key}-new'):
                text = ui.textarea(_('New guiding question')).props('autogrow maxlength=1000').classes('grow') \
                    .mark(f'{key}-new-question')
                block = ui.input(_('Block (optional)'), autocomplete=blocks).props('maxlength=300') \
                    .classes('w-56').mark(f'{key}-new-block')
                ui.button(_('Add question'), icon='add', on_click=lambda: self.run(
                    lambda: editing.add_question(db, bus, lead_secret=secret, topic_id=t.id, text=text.value,
                                                 block=block.value), topic=t.id)) \
                    .props('outline no-caps').classes('shrink-0').mark(f'{key}-add-question')

    def _block_row(self, t: Topic, first: Question) -> None:
        _ = self._
        db, bus, secret = self.rt.db, self.rt.bus, self.secret
        key = f'block-{t.number}-{first.number}'
        with ui.row().classes('w-full items-center gap-2 no-wrap mt-2').mark(key):
            ui.label(f'{first.number}.').classes('w-8 shrink-0 font-mono font-semibold')
            title = ui.input(_('Block'), value=first.block).props('maxlength=300').classes('grow font-semibold') \
                .mark(f'{key}-title')
            ui.label(_('Empty: dissolve the block')).classes('text-xs text-grey-7 shrink-0')
            self._buttons(
                key,
                save=lambda: self.run(lambda: editing.rename_block(db, bus, lead_secret=secret, question_id=first.id,
                                                                   block=title.value), topic=t.id),
                up=lambda: self.run(lambda: editing.move_block(db, bus, lead_secret=secret, question_id=first.id,
                                                               step=-1), topic=t.id),
                down=lambda: self.run(lambda: editing.move_block(db, bus, lead_secret=secret, question_id=first.id,
                                                                 step=1), topic=t.id))

    def _question_row(self, t: Topic, q: Question, blocks: list[str]) -> None:
        _ = self._
        db, bus, secret = self.rt.db, self.rt.bus, self.secret
        key = f'question-{t.number}-{q.number}{q.sub or ""}'
        ideas = self.s.ideas_per_question.get(q.id, 0)
        with ui.row().classes('w-full items-center gap-2 no-wrap max-md:flex-wrap' + (' pl-8' if q.block else '')) \
                .mark(key):
            ui.label(q.label).classes('w-8 shrink-0 font-mono')
            text = ui.textarea(_('Guiding question'), value=q.text).props('autogrow maxlength=1000') \
                .classes('grow min-w-64').mark(f'{key}-text')
            block = ui.input(_('Block'), value=q.block or '', autocomplete=blocks).props('maxlength=300') \
                .classes('w-48').mark(f'{key}-block')
            dots = ui.number(_('Dots'), value=q.dots_budget, min=1, max=20, step=1, precision=0) \
                .classes('w-20').tooltip(_('Dots per person for this question; empty: the workshop\'s setting')) \
                .mark(f'{key}-dots')
            if ideas:
                ui.badge(_.ngettext('{n} idea', '{n} ideas', ideas)).props('outline').classes('shrink-0')

            async def remove() -> None:
                if await self.confirm(_('Delete the guiding question "{label} {text}"?', label=q.label, text=q.text)):
                    await self.run(lambda: editing.delete_question(db, bus, lead_secret=secret, question_id=q.id),
                                   topic=t.id)

            self._buttons(
                key,
                save=lambda: self.run(lambda: editing.update_question(
                    db, bus, lead_secret=secret, question_id=q.id, text=text.value, block=block.value,
                    dots_budget=dots.value), topic=t.id),
                up=lambda: self.run(lambda: editing.move_question(db, bus, lead_secret=secret, question_id=q.id,
                                                                  step=-1), topic=t.id),
                down=lambda: self.run(lambda: editing.move_question(db, bus, lead_secret=secret, question_id=q.id,
                                                                    step=1), topic=t.id),
                remove=remove)  # refused with a message if it has ideas
