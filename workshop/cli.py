"""Command line: ``workshop serve | demo | new TEMPLATE | templates``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from .bus import BrokerURLError
from .config import Settings
from .db import Database, DatabaseURLError, SchemaError
from .qr import qr_text
from .services.workshops import WorkshopLinks, create_from_template, wall_path
from .templates import TemplateError, WorkshopTemplate, available_templates, load_template

DEMO_TEMPLATE = 'cluster-workshop'


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    try:
        return args.func(args)
    except (TemplateError, DatabaseURLError, SchemaError, BrokerURLError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='workshop', description='Live app for participatory stakeholder workshops.')
    sub = parser.add_subparsers(dest='command', required=True)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument('--host', help='address to listen on (default 0.0.0.0, env WORKSHOP_HOST)')
        p.add_argument('--port', type=int, help='port (default 8080, env WORKSHOP_PORT)')
        p.add_argument('--public-url', help='URL phones use to reach this server, for links and QR codes '
                                            '(env WORKSHOP_PUBLIC_URL; default: this machine\'s address)')

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument('--db', help='database URL or SQLite file (env WORKSHOP_DATABASE_URL; '
                                    'default workshop-data/workshop.sqlite3)')

    serve = sub.add_parser('serve', help='run the app')
    server_options(serve)
    db_option(serve)
    serve.add_argument('--no-migrate', action='store_true',
                       help='do not upgrade the database schema at start; refuse to start unless it is up to date '
                            '(env WORKSHOP_AUTO_MIGRATE=0; see "workshop db upgrade")')
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser('db', help='the database schema: "upgrade" applies the migrations, "current" shows the '
                                   'revision')
    db.add_argument('action', choices=['upgrade', 'current'])
    db_option(db)
    db.set_defaults(func=cmd_db)

    demo = sub.add_parser('demo', help=f'serve a fresh demo workshop ({DEMO_TEMPLATE}) in a new SQLite file')
    server_options(demo)
    demo.add_argument('--template', default=DEMO_TEMPLATE, help='template to load (default %(default)s)')
    demo.set_defaults(func=cmd_demo)

    new = sub.add_parser('new', help='create a workshop from a template and print its links')
    new.add_argument('template', help='template name in sessions/ or path to a YAML file')
    new.add_argument('--date', type=dt.date.fromisoformat, help='date of the workshop, YYYY-MM-DD (default: today '
                                                                 'or the template\'s date)')
    db_option(new)
    new.add_argument('--public-url', help='base URL for the printed links')
    new.add_argument('--json', action='store_true', help='print the links as one JSON object (for scripts)')
    new.set_defaults(func=cmd_new)

    templates = sub.add_parser('templates', help='list the available templates')
    templates.set_defaults(func=cmd_templates)

    export = sub.add_parser('export', help='write the protocol (pdf, docx, md, csv), the summary slides '
                                           '(pptx) or the archive (json) of a workshop')
    export.add_argument('code', help='the join code of the workshop')
    export.add_argument('--format', dest='fmt', choices=['pdf', 'docx', 'md', 'csv', 'json', 'pptx'], default='pdf',
                        help='what to write (default %(default)s; json is the lossless archive)')
    export.add_argument('-o', '--output', help='file to write ("-" for standard output; default: a name made '
                                               'from the date and title)')
    db_option(export)
    export.set_defaults(func=cmd_export)

    import_ = sub.add_parser('import', help='load a workshop archive (JSON) as a new workshop and print its links')
    import_.add_argument('file', help='the archive file, as written by "workshop export CODE --format json"')
    db_option(import_)
    import_.add_argument('--public-url', help='base URL for the printed links')
    import_.set_defaults(func=cmd_import)

    purge = sub.add_parser('purge', help='anonymise every workshop whose retention period is over (the running '
                                         'app does this every hour)')
    db_option(purge)
    purge.set_defaults(func=cmd_purge)
    return parser


def cmd_purge(args: argparse.Namespace) -> int:
    from .services.privacy import purge_expired
    settings = Settings.from_env(db=args.db, public_url='http://localhost')

    async def run() -> list[int]:
        db = Database(settings.database_url)
        try:
            return await purge_expired(db)
        finally:
            await db.dispose()
    Database(settings.database_url).create_schema()
    done = asyncio.run(run())
    print(f'anonymised {len(done)} workshop(s)' + (f': {", ".join(map(str, done))}' if done else ''), flush=True)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from .db import head_revision
    settings = Settings.from_env(db=args.db, public_url='http://localhost')
    db = Database(settings.database_url)
    where = _safe_url(settings.database_url)
    if args.action == 'current':
        current = db.schema_revision()
        head = head_revision()
        state = 'up to date' if current == head else f'needs "workshop db upgrade" to {head}'
        print(f'{where}: schema revision {current or "none"} ({state})', flush=True)
        return 0
    result = db.upgrade_schema()
    if result.changed:
        how = ' (a database of the release before migrations: kept, then upgraded)' if result.adopted else ''
        print(f'{where}: schema {result.before or "empty"} → {result.after}{how}', flush=True)
    else:
        print(f'{where}: schema {result.after}, up to date', flush=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import serve
    settings = Settings.from_env(db=args.db, host=args.host, port=args.port, public_url=args.public_url)
    if args.no_migrate:
        settings.auto_migrate = False
    print(f'Workshop app on {settings.public_url}  (database: {_safe_url(settings.database_url)})', flush=True)
    print(f'Admin: {settings.public_url}/admin/{settings.ensure_admin_secret()}  (keep this link private)', flush=True)
    serve(settings)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .app import serve
    settings = Settings.from_env(host=args.host, port=args.port, public_url=args.public_url)
    demo_file = (settings.data_dir / 'demo.sqlite3').resolve()
    for suffix in ('', '-wal', '-shm'):
        Path(f'{demo_file}{suffix}').unlink(missing_ok=True)
    settings.database_url = f'sqlite:///{demo_file}'
    template = load_template(args.template)
    links = _create(settings.database_url, template, args.template, None)
    print_links(links, settings.public_url, qr=True)
    print(f'\n  Admin: {settings.public_url}/admin/{settings.ensure_admin_secret()}  (keep this link private)',
          flush=True)
    serve(settings)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    settings = Settings.from_env(db=args.db, public_url=args.public_url)
    template = load_template(args.template)
    links = _create(settings.database_url, template, args.template, args.date)
    if args.json:
        print(json.dumps(links_json(links, settings.public_url), ensure_ascii=False), flush=True)
    else:
        print_links(links, settings.public_url, qr=False)
    return 0


def cmd_templates(_args: argparse.Namespace) -> int:
    for name in available_templates():
        template = load_template(name)
        print(f'{name:28} {template.language}  {template.title}')
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .protocol.render import export
    from .services.errors import ServiceError
    from .services.workshops import find_by_code
    settings = Settings.from_env(db=args.db, public_url='http://localhost')

    async def run() -> tuple[bytes, str]:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                workshop = await find_by_code(session, args.code)
            result = await export(db, workshop.id, args.fmt)
            return result.content, result.filename
        finally:
            await db.dispose()
    Database(settings.database_url).create_schema()
    try:
        content, filename = asyncio.run(run())
    except ServiceError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if args.output == '-':
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    target = Path(args.output or filename)
    target.write_bytes(content)
    print(f'{target}  ({len(content):,} bytes)', flush=True)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .protocol.archive import ArchiveError, loads
    from .services.imports import import_archive, links_of
    settings = Settings.from_env(db=args.db, public_url=args.public_url)
    try:
        data = loads(Path(args.file).read_bytes())
    except OSError as e:
        print(f'error: {args.file}: {e.strerror}', file=sys.stderr)
        return 2
    except ArchiveError as e:
        print(f'error: {args.file}: {e}', file=sys.stderr)
        return 2

    async def run() -> WorkshopLinks:
        db = Database(settings.database_url)
        try:
            return await links_of(db, await import_archive(db, data))
        finally:
            await db.dispose()
    Database(settings.database_url).create_schema()
    try:
        links = asyncio.run(run())
    except ArchiveError as e:
        print(f'error: {args.file}: {e}', file=sys.stderr)
        return 2
    print_links(links, settings.public_url, qr=False)
    return 0


def _create(url: str, template: WorkshopTemplate, name: str, date: dt.date | None) -> WorkshopLinks:
    async def create() -> WorkshopLinks:
        db = Database(url)
        try:
            return await create_from_template(db, template=template, template_name=Path(name).stem, date=date)
        finally:
            await db.dispose()
    Database(url).create_schema()
    return asyncio.run(create())


def links_json(links: WorkshopLinks, public_url: str) -> dict:
    """What ``print_links`` prints, as data: full URLs, the breakouts in their order."""
    base = public_url.rstrip('/')
    return {
        'title': links.title,
        'join_code': links.join_code,
        'join': f'{base}/j/{links.join_code}',
        'plenary_wall': f'{base}/wall/{links.join_code}',
        'lead': f'{base}/lead/{links.lead_secret}',
        'breakouts': [{'label': b.label, 'topic': b.topic, 'moderator': f'{base}/m/{b.moderator_secret}',
                       'wall': f'{base}/wall/{links.join_code}/{"".join(b.label.split())}'} for b in links.breakouts],
        # one moderator link and one wall per topic that follow the rounds: the links for the day
        'topics': [{'number': t.number, 'title': t.title, 'moderator': f'{base}/m/{t.moderator_secret}',
                    'wall': f'{base}{wall_path(links.join_code, t.number)}'} for t in links.topics],
    }


def print_links(links: WorkshopLinks, public_url: str, *, qr: bool) -> None:
    shown = links_json(links, public_url)
    join = shown['join']
    lines = [
        '',
        f'  {links.title}',
        '',
        f'  Join code:        {links.join_code}',
        f'  Participants:     {join}',
        f'  Plenary wall:     {shown["plenary_wall"]}',
        f'  Lead moderator:   {shown["lead"]}',
        '',
        '  Breakout moderators (keep these links private):',
    ]
    for b, urls in zip(links.breakouts, shown['breakouts'], strict=True):
        who = f' ({b.moderator_name})' if b.moderator_name else ''
        lines.append(f'    {b.label:8} {urls["moderator"]}   {b.topic}{who}')
    if links.topics:
        lines.append('')
        lines.append('  Topic moderators, one link for all rounds (keep these links private):')
        for t, urls in zip(links.topics, shown['topics'], strict=True):
            lines.append(f'    {t.number:<8} {urls["moderator"]}   {t.title}')
    lines.append('')
    lines.append('  Breakout walls (projector):')
    for b, urls in zip(links.breakouts, shown['breakouts'], strict=True):
        lines.append(f'    {b.label:8} {urls["wall"]}')
    print('\n'.join(lines), flush=True)
    if qr:
        print(f'\n  Scan to join ({join}):\n', flush=True)
        print(qr_text(join), flush=True)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a plain path
        return url
