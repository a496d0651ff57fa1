import datetime as dt
import os
import stat

import pytest

from workshop.config import Settings
from workshop.services import admin, editing
from workshop.services.errors import Forbidden, Invalid, NotFound

SECRET = 'the-admin-secret'


def _create(db, **kwargs):
    return admin.create_workshop(db, configured_secret=SECRET, secret=SECRET, **kwargs)


def test_is_admin_compares_secrets():
    assert admin.is_admin(SECRET, SECRET)
    assert not admin.is_admin(SECRET, SECRET + 'x')
    assert not admin.is_admin(SECRET, '')
    assert not admin.is_admin(SECRET, None)
    assert not admin.is_admin('', '')  # no secret configured: nobody is admin
    assert not admin.is_admin(None, 'anything')
    assert not admin.is_admin(SECRET, 'ä')  # non-ASCII input is compared, not an error


async def test_wrong_secret_is_refused(db):
    for configured, given in ((SECRET, 'guess'), (SECRET, ''), (SECRET, None), ('', ''), ('', 'x')):
        with pytest.raises(Forbidden, match='This admin link is not valid.'):
            await admin.list_workshops(db, configured_secret=configured, secret=given)
        with pytest.raises(Forbidden, match='This admin link is not valid.'):
            await admin.create_workshop(db, configured_secret=configured, secret=given, template='cluster-workshop')
    assert await admin.list_workshops(db, configured_secret=SECRET, secret=SECRET) == []


async def test_create_from_a_template_and_list(db):
    links = await _create(db, template='cluster-workshop')
    assert links.title.startswith('Clusterworkshop') and len(links.breakouts) == 6
    renamed = await _create(db, template='stakeholder-workshop-en', title='  My   workshop ',
                            date=dt.date(2026, 5, 26))
    listed = await admin.list_workshops(db, configured_secret=SECRET, secret=SECRET)
    assert [w.workshop_id for w in listed] == [renamed.workshop_id, links.workshop_id]  # newest first
    assert listed[0].title == 'My workshop' and listed[0].date == dt.date(2026, 5, 26)
    assert listed[0].language == 'en' and listed[0].template == 'stakeholder-workshop-en'
    assert listed[1].join_code == links.join_code and listed[1].lead_secret == links.lead_secret
    # the lead secret opens the editor
    structure = await editing.load(db, lead_secret=listed[0].lead_secret)
    assert structure.workshop.title == 'My workshop'


async def test_create_from_scratch(db):
    links = await _create(db, template=None, title='Bürgerdialog', language='de',
                          question='Was wünschen Sie sich für Ihr Quartier?')
    s = await editing.load(db, lead_secret=links.lead_secret)
    assert s.workshop.title == 'Bürgerdialog' and s.workshop.language == 'de' and s.workshop.template is None
    assert [r.title for r in s.rounds] == ['Durchlauf 1']
    assert [t.title for t in s.topics] == ['Thema 1']
    assert [(q.number, q.text) for q in s.questions[s.topics[0].id]] == [(1, 'Was wünschen Sie sich für Ihr Quartier?')]
    assert [b.label for b in s.breakouts] == ['W 1.1'] == [b.label for b in links.breakouts]
    assert s.breakouts[0].current_question_id == s.questions[s.topics[0].id][0].id
    assert s.workshop.current_round_id == s.rounds[0].id and s.agenda == []

    english = await _create(db, template=None, title='Dialogue', language='en', topic='Mobility',
                            question='What should change?')
    s = await editing.load(db, lead_secret=english.lead_secret)
    assert [r.title for r in s.rounds] == ['Round 1'] and [t.title for t in s.topics] == ['Mobility']


@pytest.mark.parametrize(('fields', 'error', 'message'), [
    ({'template': None, 'title': '', 'question': 'Frage?'}, Invalid, 'Title must not be empty.'),
    ({'template': None, 'title': 'x' * 301, 'question': 'Frage?'}, Invalid, 'Title is too long'),
    ({'template': None, 'title': 'T', 'question': '  '}, Invalid, 'Guiding question must not be empty.'),
    ({'template': None, 'title': 'T', 'question': 'x' * 1001}, Invalid, 'Guiding question is too long'),
    ({'template': None, 'title': 'T', 'question': 'Q?', 'topic': 'x' * 301}, Invalid, 'Topic title is too long'),
    ({'template': None, 'title': 'T', 'question': 'Q?', 'language': 'fr'}, Invalid, 'Unknown language.'),
    ({'template': 'nope'}, NotFound, 'There is no template named nope.'),
    ({'template': '../sessions/cluster-workshop'}, NotFound, 'There is no template named'),
    ({'template': 'sessions/cluster-workshop.yaml'}, NotFound, 'There is no template named'),
])
async def test_create_validation(db, fields, error, message):
    with pytest.raises(error) as e:
        await _create(db, **fields)
    assert str(e.value).startswith(message)
    assert await admin.list_workshops(db, configured_secret=SECRET, secret=SECRET) == []


def test_admin_secret_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('WORKSHOP_ADMIN_SECRET', ' from-env ')
    settings = Settings.from_env(data_dir=str(tmp_path), public_url='http://x')
    assert settings.ensure_admin_secret() == 'from-env'
    assert not (tmp_path / 'admin-secret').exists()


def test_admin_secret_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv('WORKSHOP_ADMIN_SECRET', raising=False)
    settings = Settings.from_env(data_dir=str(tmp_path / 'data'), public_url='http://x')
    assert settings.admin_secret == ''
    secret = settings.ensure_admin_secret()
    assert len(secret) >= 22  # token_urlsafe(16): 128 bits
    path = tmp_path / 'data' / 'admin-secret'
    assert path.read_text(encoding='utf-8') == secret
    if os.name == 'posix':
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Settings.from_env(data_dir=str(tmp_path / 'data'), public_url='http://x')
    assert again.ensure_admin_secret() == secret
    other = Settings.from_env(data_dir=str(tmp_path / 'other'), public_url='http://x')
    assert other.ensure_admin_secret() != secret


def test_serve_prints_the_admin_link(tmp_path, monkeypatch, capsys):
    from workshop import app, cli
    monkeypatch.delenv('WORKSHOP_ADMIN_SECRET', raising=False)
    monkeypatch.setenv('WORKSHOP_DATA_DIR', str(tmp_path))
    served = []
    monkeypatch.setattr(app, 'serve', served.append)
    assert cli.main(['serve', '--public-url', 'https://ws.example.org', '--db', str(tmp_path / 'x.sqlite3')]) == 0
    secret = (tmp_path / 'admin-secret').read_text(encoding='utf-8')
    assert f'Admin: https://ws.example.org/admin/{secret}' in capsys.readouterr().out
    assert served[0].admin_secret == secret
