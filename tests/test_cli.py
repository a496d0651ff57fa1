import json
import re
import subprocess
import sys

import pytest

from workshop.cli import main


def test_new_creates_a_workshop_and_prints_its_links(tmp_path, capsys):
    db = tmp_path / 'cli.sqlite3'
    assert main(['new', 'cluster-workshop', '--db', str(db), '--public-url', 'https://ws.example.org/',
                 '--date', '2026-05-26']) == 0
    out = capsys.readouterr().out
    code = re.search(r'Join code:\s+([A-Z0-9]{6})', out).group(1)
    assert f'https://ws.example.org/j/{code}' in out
    assert re.search(r'Lead moderator:\s+https://ws\.example\.org/lead/[\w-]{22}', out)
    moderator_links = re.findall(r'W \d\.\d\s+https://ws\.example\.org/m/[\w-]{22}', out)
    assert len(moderator_links) == 6
    assert 'Zukunftsthemen und Cross-Innovationen' in out

    # a second workshop goes into the same database with another code
    assert main(['new', 'stakeholder-workshop-en', '--db', str(db), '--public-url', 'http://x']) == 0
    second = re.search(r'Join code:\s+([A-Z0-9]{6})', capsys.readouterr().out).group(1)
    assert second != code

    import sqlite3
    with sqlite3.connect(db) as con:
        rows = con.execute('select join_code, date, language from workshop order by id').fetchall()
    assert rows[0] == (code, '2026-05-26', 'de') and rows[1][0] == second and rows[1][2] == 'en'


def test_new_with_json_prints_one_object_with_the_links(tmp_path, capsys):
    db = tmp_path / 'cli.sqlite3'
    assert main(['new', 'cluster-workshop', '--db', str(db), '--public-url', 'https://ws.example.org/', '--json']) == 0
    out = capsys.readouterr().out
    links = json.loads(out)  # the whole output: nothing else around it
    code = links['join_code']
    assert re.fullmatch(r'[A-Z0-9]{6}', code) and links['title']
    assert links['join'] == f'https://ws.example.org/j/{code}'
    assert links['plenary_wall'] == f'https://ws.example.org/wall/{code}'
    assert 'admin' not in out

    import sqlite3
    with sqlite3.connect(db) as con:
        (workshop_id, lead_secret), = con.execute('select id, lead_secret from workshop where join_code = ?', (code,))
        breakouts = con.execute('select label, moderator_secret, id from breakout where workshop_id = ? order by id',
                                (workshop_id,)).fetchall()
    assert links['lead'] == f'https://ws.example.org/lead/{lead_secret}'
    assert len(breakouts) == 6
    assert [(b['label'], b['moderator'], b['wall']) for b in links['breakouts']] == [  # walls by label, not by id
        (label, f'https://ws.example.org/m/{secret}', f'https://ws.example.org/wall/{code}/{label.replace(" ", "")}')
        for label, secret, _breakout_id in breakouts]
    assert 'Zukunftsthemen und Cross-Innovationen' in {b['topic'] for b in links['breakouts']}
    # one moderator link and one wall per topic, for all rounds (#16)
    with sqlite3.connect(db) as con:
        topics = con.execute('select number, moderator_secret from topic where workshop_id = ? order by number',
                             (workshop_id,)).fetchall()
    assert [(t['number'], t['moderator'], t['wall']) for t in links['topics']] == [
        (n, f'https://ws.example.org/m/{secret}', f'https://ws.example.org/wall/{code}/w{n}') for n, secret in topics]
    assert len(topics) == 3 and len({secret for _n, secret in topics}) == 3


def test_new_with_unknown_template_says_what_exists(tmp_path, capsys):
    assert main(['new', 'nope', '--db', str(tmp_path / 'x.sqlite3')]) == 2
    err = capsys.readouterr().err
    assert 'no such template' in err and 'cluster-workshop' in err


def test_bad_database_url_is_a_clear_error(capsys):
    assert main(['new', 'cluster-workshop', '--db', 'mysql://nobody@nowhere/db']) == 2
    assert 'unsupported database' in capsys.readouterr().err


def test_python_dash_m_and_templates_listing():
    result = subprocess.run([sys.executable, '-m', 'workshop', 'templates'], capture_output=True, text=True,
                            timeout=60, check=True)
    assert 'cluster-workshop' in result.stdout and 'cluster-strategy' in result.stdout


@pytest.mark.timeout(120)
def test_the_readme_demo_starts_in_a_fresh_folder(tmp_path):
    """``workshop demo`` with nothing prepared: no workshop-data/ yet, default settings (but a free port)."""
    from .servers import app_process, child_env
    with app_process(['demo'], env=child_env(), cwd=tmp_path, log=tmp_path / 'server.log') as app:
        assert app.first_answer.status_code == 200
        assert (tmp_path / 'workshop-data' / 'demo.sqlite3').is_file()
        assert 'Join code' in app.output() or 'Teilnahmecode' in app.output()
