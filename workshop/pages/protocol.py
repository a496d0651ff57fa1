"""The protocol page of the lead moderator (secret link): write the context, key results and
conclusions, correct the head count, see a live preview, download every format, mark final.

Downloads are plain links to a route that renders in a worker process (``run.cpu_bound``),
so that an export never holds up the live rooms. The preview is the Markdown rendering,
in which every participant's text is escaped (and NiceGUI sanitises the HTML once more).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from nicegui import app, background_tasks, ui
from sqlmodel import col, select

from ..events import Event
from ..i18n import Translate, translate_error
from ..limits import WORD_TEMPLATE_MAX_BYTES
from ..models import Conclusion, Topic
from ..protocol.document import ParticipationRow, ProtocolDocument, load_document
from ..protocol.layout import group_name, local_time
from ..protocol.markdown import render_markdown
from ..protocol.pdf import warm_up
from ..protocol.proceedings import draft as draft_proceedings
from ..protocol.render import FORMATS, FROZEN, export
from ..runtime import Runtime, runtime
from ..services import proceedings, protocol, protocol_options
from ..services.errors import ServiceError
from .frame import content, frame
from .key_results import TopicResultsEditor
from .live import follow_workshop
from .offload import off_the_loop
from .secret_links import exchange, invalid, lead_place, lead_place_of, led_workshop, open_lead_link

FORMAT_LABELS = {'pdf': 'PDF', 'docx': 'Word (DOCX)', 'md': 'Markdown', 'csv': 'CSV', 'json': 'JSON',
                 'pptx': 'PowerPoint (PPTX)'}
PREVIEW_DELAY = 2.0  # seconds: live changes are gathered before the preview reloads


def _attachment(content_: bytes, filename: str, media_type: str) -> Response:
    return Response(content_, media_type=media_type, headers={
        'Content-Disposition': f"attachment; filename*=UTF-8''{quote(filename)}",
        'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'})


@app.get('/lead/~/{code}/protocol/download/{fmt}')
async def download_protocol(request: Request, code: str, fmt: str) -> Response:
    """The protocol as it is right now, in one format (also while the workshop runs)."""
    rt = runtime()
    if fmt not in FORMATS:
        return Response('unknown format', status_code=404)
    async with rt.db.session() as session:
        try:
            workshop = await led_workshop(request, code, session)
        except ServiceError:
            return Response('not found', status_code=404)
    result = await export(rt.db, workshop.id, fmt, runner=off_the_loop)
    return _attachment(result.content, result.filename, result.media_type)


@app.get('/lead/~/{code}/protocol/versions/{number}/{fmt}')
async def download_version(request: Request, code: str, number: int, fmt: str) -> Response:
    """A final version exactly as it was frozen."""
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await led_workshop(request, code, session)
            result = await protocol.version_file(session, workshop_id=workshop.id, number=number, fmt=fmt)
        except ServiceError:
            return Response('not found', status_code=404)
    return _attachment(result.content, result.filename, result.media_type)


@app.get('/lead/{secret}/protocol/download/{fmt}')
async def download_protocol_link(secret: str, fmt: str) -> Response:
    """The old download address with the secret: exchanged for the cookie, on to the one without it."""
    return await _exchange_download(secret, fmt, f'/protocol/download/{fmt}')


@app.get('/lead/{secret}/protocol/versions/{number}/{fmt}')
async def download_version_link(secret: str, number: int, fmt: str) -> Response:
    """The old address of a final version: exchanged like ``download_protocol_link``."""
    return await _exchange_download(secret, fmt, f'/protocol/versions/{number}/{fmt}')


async def _exchange_download(secret: str, fmt: str, rest: str) -> Response:
    if fmt not in FORMATS:
        return Response('unknown format', status_code=404)
    try:
        place = await lead_place_of(secret)
    except ServiceError:
        return Response('not found', status_code=404)
    return exchange(place, secret, rest)


@ui.page('/lead/{secret}/protocol')
async def protocol_link(secret: str) -> Response | None:
    """The old address with the secret: exchanged for a cookie, on to the page without it (secret_links.py)."""
    return await open_lead_link(secret, '/protocol')


@ui.page('/lead/~/{code}/protocol')
async def protocol_page(request: Request, code: str) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await led_workshop(request, code, session)
            secret = workshop.lead_secret
        except ServiceError as e:
            invalid(e)
            return
        doc = await load_document(session, workshop.id)
        topics = list((await session.exec(select(Topic).where(Topic.workshop_id == workshop.id)
                                          .order_by(col(Topic.number)))).all())
        conclusions = list((await session.exec(select(Conclusion).where(Conclusion.workshop_id == workshop.id)
                                               .order_by(col(Conclusion.position), col(Conclusion.id)))).all())
        versions = await protocol.versions(session, workshop.id)
        questions = await protocol_options.questions_of(session, workshop.id)
        template_name = await protocol.word_template_name(session, workshop.id)
        server_template = await protocol.server_word_template_name(session)

    _ = frame(lambda _: workshop.title + ' · ' + _('Minutes'), language=workshop.language)
    page = ProtocolPage(rt, _, secret=secret, workshop_id=workshop.id, doc=doc,
                        base=lead_place(workshop.join_code).path)
    page.template_name = template_name
    page.server_template = server_template
    with content(wide=True):
        with ui.row().classes('w-full items-center justify-between gap-4'):
            with ui.column().classes('gap-0 min-w-0'):
                ui.link('← ' + _('Back to the lead moderation'), page.base).classes('text-sm')
                ui.label(_('Minutes')).classes('text-2xl font-bold').props('role=heading aria-level=1')
                ui.label(workshop.title).classes('text-grey-8')
        with ui.row().classes('w-full gap-6 items-start no-wrap max-lg:flex-wrap'):
            with ui.column().classes('gap-4 w-full lg:w-1/2 min-w-0'):
                page.downloads(versions)
                page.context_editor(workshop.context)
                page.topic_results = TopicResultsEditor(rt, _, secret=secret, workshop_id=workshop.id,
                                                        run=page._run)
                page.topic_results.build(topics)
                page.conclusions_editor(conclusions)
                page.participation_editor(doc)
                page.proceedings_editor(doc)
                page.settings_editor(doc)
                page.options_editor(doc)
                page.summaries_editor(questions)
            with ui.column().classes('gap-2 w-full lg:w-1/2 min-w-0 lg:sticky lg:top-4'):
                ui.label(_('Preview')).classes('text-lg font-semibold').props('role=heading aria-level=2')
                ui.label(_('Updates by itself while the workshop runs.')).classes('text-sm text-grey-8')
                with ui.card().classes('w-full ws-protocol-preview').props('flat bordered tabindex=0 role=region') \
                        .style('max-height: 85vh; overflow-y: auto') as preview:  # scrollable: reachable by keyboard
                    preview.props['aria-label'] = _('Preview')
                    page.preview = ui.markdown(render_markdown(doc), extras=['tables']).mark('preview')
    follow_workshop(rt, workshop.id, page.on_event)
    ui.timer(PREVIEW_DELAY, page.refresh_if_changed)
    background_tasks.create(page.topic_results.show(), name='topic key results')
    # a worker process loads fonts and the hyphenation dictionary now, not at the first download
    background_tasks.create(off_the_loop(warm_up, workshop.language), name='warm up the protocol renderer')


def word_template_upload(_: Translate, on_file: Callable[[bytes, str], Awaitable[object]]) -> ui.upload:
    """An upload of a Word template (.docx/.dotx) that hands its content and name to ``on_file``; one that is too
    large is refused with a message (the workshop's protocol page and the admin page's server-wide one)."""
    async def uploaded(e: Any) -> None:
        await on_file(await e.file.read(), e.file.name)
        upload.reset()
    upload = ui.upload(on_upload=uploaded, auto_upload=True, max_files=1, max_file_size=WORD_TEMPLATE_MAX_BYTES) \
        .props('accept=".docx,.dotx" flat bordered').classes('w-full')
    _named_picker(upload, _('Choose a Word template'))
    upload.on_rejected(lambda: ui.notify(_('The Word template is too large: at most {n} MB.',
                                           n=WORD_TEMPLATE_MAX_BYTES // 1_000_000), type='negative'))
    return upload


def _named_picker(upload: ui.upload, label: str) -> None:
    """Quasar's own header has an unnamed icon button around the file input: a named button instead."""
    upload.add_slot('header', f'''
        <div class="row items-center no-wrap q-pa-xs">
          <q-btn v-if="props.canAddFiles" flat no-caps icon="add_box" @click="props.pickFiles"
                 label="{html.escape(label)}" />
          <div class="hidden"><q-uploader-add-trigger /></div>
          <q-spinner v-if="props.isUploading" size="sm" class="q-ml-sm" />
        </div>''')

class ProtocolPage:
    def __init__(self, rt: Runtime, _: Translate, *, secret: str, workshop_id: int, doc: ProtocolDocument,
                 base: str) -> None:
        self.rt, self._, self.secret, self.workshop_id, self.doc = rt, _, secret, workshop_id, doc
        self.base = base  # the lead's pages without the secret: /lead/~/CODE (secret_links.py)
        self.preview: ui.markdown | None = None
        self.changed = False
        self.versions_box: ui.column | None = None
        self.downloads_box: ui.column | None = None
        self.versions: list[protocol.VersionInfo] = []
        self.template_name: str | None = None
        self.server_template: str | None = None  # the server's Word template (admin page), used without one here
        self.template_label: ui.label | None = None
        self.conclusions_box: ui.column | None = None
        self.topic_results: TopicResultsEditor | None = None

    # --- live preview ---------------------------------------------------------------------------------

    def on_event(self, _event: Event) -> None:
        self.changed = True  # gathered: the preview reloads at most every PREVIEW_DELAY seconds

    async def refresh_if_changed(self) -> None:
        if self.changed:
            self.changed = False
            await self.refresh()
            if self.topic_results is not None:  # live: the breakouts' key results may have changed the topics'
                await self.topic_results.show()

    async def refresh(self) -> None:
        async with self.rt.db.session() as session:
            self.doc = await load_document(session, self.workshop_id)
        if self.preview is not None:
            self.preview.set_content(render_markdown(self.doc))
        if self.downloads_box is not None and self.versions:  # what changed since the final version
            self._show_downloads(self.versions)

    async def _run(self, action: Callable[[], Awaitable[Any]], *, saved: bool = True) -> bool:
        try:
            await action()
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return False
        if saved:
            ui.notify(self._('Saved ✓'), type='positive')
        await self.refresh()
        return True

    # --- downloads and versions -------------------------------------------------------------------------

    def downloads(self, versions: list[protocol.VersionInfo]) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Download')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            self.downloads_box = ui.column().classes('w-full gap-2').mark('downloads')
            self._show_downloads(versions)
            ui.separator()
            with ui.row().classes('items-center gap-3'):
                ui.button(_('Mark as final'), icon='verified', on_click=self.confirm_final).props('no-caps') \
                    .mark('mark-final')
                ui.label(_('Freezes a numbered version; later corrections make a new version.')) \
                    .classes('text-sm text-grey-8')
            self.versions_box = ui.column().classes('w-full gap-1').mark('versions')
            self._show_versions(versions)

    def _show_downloads(self, versions: list[protocol.VersionInfo]) -> None:
        """After a final version, it is the download (first, filled buttons) and the draft comes second with what
        changed since; before, the draft is the download."""
        _ = self._
        self.versions = versions
        self.downloads_box.clear()
        with self.downloads_box:
            if versions:
                final = versions[0]
                when = local_time(self.doc, final.created_at)
                ui.label(_('Final version {n} of {date}', n=final.number, date=when)).classes('font-semibold')
                with ui.row().classes('gap-2'):
                    for fmt in FROZEN:
                        ui.button(FORMAT_LABELS[fmt], icon='download').props(
                            f'unelevated no-caps tag=a href={self.base}/protocol/versions/{final.number}/{fmt}') \
                            .mark(f'download-final-{fmt}')
                ui.label(_('Current draft (after final version {n}); possible at any time.', n=final.number)) \
                    .classes('text-sm text-grey-8 mt-2')
                if self.doc.changes:
                    ui.label(_('Changes since: {changes}', changes='; '.join(
                        c.text(self._) for c in self.doc.changes))).classes('text-sm').mark('draft-changes')
            else:
                ui.label(_('The protocol as it is now; possible at any time, also while the workshop runs.')) \
                    .classes('text-sm text-grey-8')
            with ui.row().classes('gap-2'):
                for fmt in FORMATS:
                    ui.button(FORMAT_LABELS[fmt], icon='download').props(
                        f'{"flat dense" if versions else "outline"} no-caps '
                        f'tag=a href={self.base}/protocol/download/{fmt}').mark(f'download-{fmt}')

    def _show_versions(self, versions: list[protocol.VersionInfo]) -> None:
        _ = self._
        self.versions_box.clear()
        with self.versions_box:
            if not versions:
                ui.label(_('No final version yet.')).classes('text-sm text-grey-8')
            for v in versions:
                with ui.row().classes('items-center gap-2 w-full'):
                    ui.label(_('Version {n}', n=v.number)).classes('font-semibold')
                    ui.label(local_time(self.doc, v.created_at)).classes('text-sm')
                    ui.label(f'SHA-256 {v.checksum[:12]}…').classes('text-xs text-grey-8 font-mono') \
                        .tooltip(v.checksum)
                    for fmt in FROZEN:
                        ui.link(FORMAT_LABELS[fmt].split(' ')[0],
                                f'{self.base}/protocol/versions/{v.number}/{fmt}').classes('text-sm')

    async def confirm_final(self) -> None:
        _ = self._
        try:
            findings = await protocol.check_final(self.rt.db, lead_secret=self.secret)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return
        with ui.dialog() as dialog, ui.card():
            ui.label(_('Mark the protocol as final?')).classes('text-lg font-semibold')
            ui.label(_('The version is kept as it is now, with its time and a checksum, and stays downloadable.'))
            if findings:
                ui.label(_('Please check first: the final version would still show these placeholders and gaps.')) \
                    .classes('font-semibold text-warning')
                with ui.element('ul').classes('list-disc pl-6').mark('final-findings'):
                    for finding in findings:
                        with ui.element('li'):
                            ui.label(translate_error(self._, finding))
            with ui.row().classes('justify-end w-full'):
                ui.button(_('Cancel'), on_click=dialog.close).props('flat no-caps')

                async def confirmed() -> None:
                    dialog.close()
                    await self.mark_final()
                ui.button(_('Mark as final'), on_click=confirmed).props('no-caps').mark('confirm-final')
        dialog.open()

    async def mark_final(self) -> None:
        try:
            info = await protocol.mark_final(self.rt.db, self.rt.bus, lead_secret=self.secret, runner=off_the_loop)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return
        ui.notify(self._('Final version {n} saved', n=info.number), type='positive')
        async with self.rt.db.session() as session:
            versions = await protocol.versions(session, self.workshop_id)
        await self.refresh()
        self._show_versions(versions)
        self._show_downloads(versions)

    # --- editors ----------------------------------------------------------------------------------------

    def context_editor(self, context: str) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Background')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.label(_('Why the workshop was held. A blank line starts a new paragraph, "- " a bullet.')) \
                .classes('text-sm text-grey-8')
            text = ui.textarea(value=context).props('outlined autogrow').classes('w-full').mark('context')
            text.props['aria-label'] = _('Background')

            async def save() -> None:
                await self._run(lambda: protocol.set_context(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                             text=text.value))
            ui.button(_('Save background'), on_click=save).props('no-caps').mark('save-context')

    def conclusions_editor(self, conclusions: list[Conclusion]) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Conclusions and recommendations')).classes('text-lg font-semibold') \
                .props('role=heading aria-level=2')
            self.conclusions_box = ui.column().classes('w-full gap-3').mark('conclusions')
            self._show_conclusions(conclusions)
            ui.separator()
            title = ui.input(_('New conclusion (title)')).props('outlined dense').classes('w-full') \
                .mark('new-conclusion')

            async def add() -> None:
                if await self._run(lambda: protocol.add_conclusion(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                                   title=title.value, text='')):
                    title.set_value('')
                    await self._reload_conclusions()
            ui.button(_('Add conclusion'), icon='add', on_click=add).props('no-caps').mark('add-conclusion')

    async def _reload_conclusions(self) -> None:
        async with self.rt.db.session() as session:
            rows = list((await session.exec(select(Conclusion).where(Conclusion.workshop_id == self.workshop_id)
                                            .order_by(col(Conclusion.position), col(Conclusion.id)))).all())
        self._show_conclusions(rows)

    def _show_conclusions(self, conclusions: list[Conclusion]) -> None:
        _ = self._
        self.conclusions_box.clear()
        with self.conclusions_box:
            if not conclusions:
                ui.label(_('No conclusions recorded yet.')).classes('text-sm text-grey-8')
            for number, c in enumerate(conclusions, start=1):
                with ui.row().classes('w-full items-start gap-2 no-wrap'):
                    ui.label(f'{number}.').classes('text-lg font-bold pt-2')
                    with ui.column().classes('grow gap-1 min-w-0'):
                        title = ui.input(_('Title'), value=c.title).props('outlined dense').classes('w-full') \
                            .mark(f'conclusion-title-{number}')
                        text = ui.textarea(_('Explanation (optional)'), value=c.text) \
                            .props('outlined autogrow dense').classes('w-full').mark(f'conclusion-text-{number}')
                        with ui.row().classes('gap-1'):
                            async def save(cid: int = c.id, title: ui.input = title, text: ui.textarea = text) -> None:
                                await self._run(lambda: protocol.update_conclusion(
                                    self.rt.db, self.rt.bus, lead_secret=self.secret, conclusion_id=cid,
                                    title=title.value, text=text.value))

                            async def move(step: int, cid: int = c.id) -> None:
                                if await self._run(lambda: protocol.move_conclusion(
                                        self.rt.db, self.rt.bus, lead_secret=self.secret, conclusion_id=cid,
                                        step=step), saved=False):
                                    await self._reload_conclusions()

                            async def delete(cid: int = c.id) -> None:
                                if await self._run(lambda: protocol.delete_conclusion(
                                        self.rt.db, self.rt.bus, lead_secret=self.secret, conclusion_id=cid),
                                        saved=False):
                                    await self._reload_conclusions()
                            ui.button(_('Save conclusion'), on_click=save).props('no-caps dense') \
                                .mark(f'save-conclusion-{number}')
                            ui.button(icon='arrow_upward', on_click=lambda m=move: m(-1)) \
                                .props(f'flat dense aria-label="{_("Move up")}"').tooltip(_('Move up'))
                            ui.button(icon='arrow_downward', on_click=lambda m=move: m(1)) \
                                .props(f'flat dense aria-label="{_("Move down")}"').tooltip(_('Move down'))
                            ui.button(icon='delete', on_click=delete) \
                                .props(f'flat dense color=negative aria-label="{_("Delete conclusion")}"') \
                                .tooltip(_('Delete conclusion'))

    def proceedings_editor(self, doc: ProtocolDocument) -> None:
        """The "Verlauf": drafted from the agenda as a starting point, and who represented the organiser."""
        _ = self._
        with ui.card().classes('w-full').props('flat bordered').mark('proceedings-card'):
            ui.label(_('Proceedings')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.label(_('How the day ran: opening, talks, workshops, closing. Left as drafted, it follows the agenda. '
                       'A blank line starts a new paragraph, "- " a bullet.')).classes('text-sm text-grey-8')
            text = ui.textarea(value=doc.proceedings or draft_proceedings(doc)).props('outlined autogrow') \
                .classes('w-full').mark('proceedings')
            text.props['aria-label'] = _('Proceedings')

            async def redraft() -> None:
                try:
                    current = await proceedings.load(self.rt.db, lead_secret=self.secret)
                except ServiceError as e:
                    ui.notify(translate_error(self._, e), type='negative')
                    return
                text.set_value(current.draft)
                if not current.draft:
                    ui.notify(_('The agenda has nothing to draft from yet.'), type='info')
            ui.button(_('Draft from the agenda'), icon='auto_fix_high', on_click=redraft) \
                .props('flat no-caps dense').mark('draft-proceedings')
            people = ui.textarea(_('Representatives of the organiser (one per line)'),
                                 value='\n'.join(doc.representatives),
                                 placeholder=_('Dr. A. Example, Ministry of …')).props('outlined autogrow') \
                .classes('w-full mt-2').mark('representatives')

            async def save() -> None:
                await self._run(lambda: proceedings.set_proceedings(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, text=text.value,
                    representatives=(people.value or '').split('\n')))
            ui.button(_('Save proceedings'), on_click=save).props('no-caps').mark('save-proceedings')

    def participation_editor(self, doc: ProtocolDocument) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Participation')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.label(_('Joined in the app, per stakeholder group. Add people who took part without a phone '
                       '(or subtract double joins).')).classes('text-sm text-grey-8')
            with ui.grid(columns='minmax(0,1fr) auto auto').classes('w-full items-center gap-x-4 gap-y-1'):
                ui.label(_('Stakeholder group')).classes('text-sm font-semibold')
                ui.label(_('via the app')).classes('text-sm font-semibold')
                ui.label(_('correction')).classes('text-sm font-semibold')
                groups = list(doc.participation)
                if not any(r.group is None for r in groups):  # people who gave no group can be added, too
                    groups.append(ParticipationRow(group=None, joined=0, extra=0))
                for row in groups:
                    ui.label(group_name(_, row.group))
                    ui.label(str(row.joined)).classes('text-right')
                    number = ui.number(value=row.extra, step=1, format='%+d').props('dense outlined') \
                        .classes('w-24').mark(f'correction-{row.group or "none"}')
                    number.props['aria-label'] = _('correction') + ': ' + group_name(_, row.group)

                    async def save(e: Any = None, group: str | None = row.group, number: ui.number = number) -> None:
                        value = int(number.value or 0)
                        await self._run(lambda: protocol.set_participation_extra(
                            self.rt.db, self.rt.bus, lead_secret=self.secret, group=group, count=value))
                    number.on('change', save)

    def settings_editor(self, doc: ProtocolDocument) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Layout')).classes('text-lg font-semibold').props('role=heading aria-level=2')

            async def authors(e: Any) -> None:
                await self._run(lambda: protocol.set_name_authors(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                                  name_authors=bool(e.value)))
            ui.switch(_('Name the authors of ideas (only those who gave a name)'), value=doc.name_authors,
                      on_change=authors).mark('name-authors')
            ui.label(_('Organiser logo (PNG or JPEG) for the title page')).classes('text-sm')

            async def uploaded(e: Any) -> None:
                data = await e.file.read()
                await self._run(lambda: protocol.set_logo(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                          content=data))
            upload = ui.upload(on_upload=uploaded, auto_upload=True, max_files=1) \
                .props('accept=".png,.jpg,.jpeg,image/png,image/jpeg" flat bordered').classes('w-full') \
                .mark('logo-upload')
            _named_picker(upload, _('Choose a logo file'))

            async def remove() -> None:
                await self._run(lambda: protocol.set_logo(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                          content=None))
            ui.button(_('Remove logo'), icon='hide_image', on_click=remove).props('flat no-caps dense')
            self.look_editor(doc)

    def look_editor(self, doc: ProtocolDocument) -> None:
        """The organisation's look: its colour for the PDF, its Word template for the DOCX."""
        _ = self._
        colour = ui.input(_('Colour of headings and rules in the PDF (e.g. #1f4e79; empty: blue)'),
                          value=doc.colour or '').props('outlined dense').classes('w-full').mark('colour')

        async def save_colour() -> None:
            await self._run(lambda: protocol.set_colour(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                        colour=colour.value))
        colour.on('change', save_colour)
        ui.label(_('Word template of the organisation (.docx or .dotx): the Word protocol takes its styles, '
                   'header, footer and logo')).classes('text-sm mt-2')
        self.template_label = ui.label().classes('text-sm text-grey-8').mark('word-template-name')
        self._show_template_name(self.template_name)

        async def uploaded(data: bytes, name: str) -> None:
            if await self._run(lambda: protocol.set_word_template(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, content=data, filename=name)):
                self._show_template_name(name)
        word_template_upload(_, uploaded).mark('word-template-upload')

        async def remove() -> None:
            if await self._run(lambda: protocol.set_word_template(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                                  content=None)):
                self._show_template_name(None)
        ui.button(_('Remove Word template'), icon='delete', on_click=remove).props('flat no-caps dense')

    def _show_template_name(self, name: str | None) -> None:
        self.template_name = name
        self.template_label.set_text(
            self._('In use: {name}', name=name) if name else
            self._('None of its own: the Word protocol uses the server\'s template {name}.', name=self.server_template)
            if self.server_template else self._('No template: the Word protocol uses its own styles.'))

    def options_editor(self, doc: ProtocolDocument) -> None:
        """The protocol's options for public administration (kept with the workshop and in its archive)."""
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Options for the minutes')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.label(_('How the minutes read for an administration: in every format.')).classes('text-sm text-grey-8')
            for key, label, value in (
                    ('dots', _('Show the dots and charts of the voting'), doc.show_dots),
                    ('omit_unanswered', _('Leave out questions without contributions'), doc.omit_unanswered),
                    ('participation_prose', _('Participation as a sentence (instead of a table per group)'),
                     doc.participation_prose),
                    ('citations', _('Key results refer to their contributions in the appendix'), doc.citations)):
                async def changed(e: Any, key: str = key) -> None:
                    await self._run(lambda: protocol_options.set_options(
                        self.rt.db, self.rt.bus, lead_secret=self.secret, **{key: bool(e.value)}))
                ui.switch(label, value=value, on_change=changed).mark(f'protocol-{key.replace("_", "-")}')

    def summaries_editor(self, questions: list) -> None:
        """A summary of the answers per guiding question, printed above its contributions."""
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Summaries of the guiding questions')).classes('text-lg font-semibold') \
                .props('role=heading aria-level=2')
            ui.label(_('Printed above the contributions to the question. A blank line starts a new paragraph, '
                       '"- " a bullet.')).classes('text-sm text-grey-8')
            for topic, question in questions:
                label = f'{topic.number}.{question.number}{question.sub or ""} {question.text}'
                area = ui.textarea(label, value=question.summary).props('outlined autogrow dense') \
                    .classes('w-full').mark(f'summary-{question.id}')

                async def save(question_id: int = question.id, area: ui.textarea = area) -> None:
                    await self._run(lambda: protocol_options.set_question_summary(
                        self.rt.db, self.rt.bus, lead_secret=self.secret, question_id=question_id, text=area.value))
                ui.button(_('Save summary'), on_click=save).props('no-caps dense flat') \
                    .mark(f'save-summary-{question.id}')
