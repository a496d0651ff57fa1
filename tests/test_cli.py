import re
import subprocess
import sys
from pathlib import Path

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
    from .servers import app_process
    with app_process(['demo'], cwd=tmp_path, data_dir=None) as (_process, response):
        assert response.status_code == 200
        assert (tmp_path / 'workshop-data' / 'demo.sqlite3').is_file()
        log = (tmp_path / 'server.log').read_text()
        assert 'Join code' in log or 'Teilnahmecode' in log
