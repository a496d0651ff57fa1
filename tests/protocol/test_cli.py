import json
import re

from workshop.cli import main


def _code(out: str) -> str:
    return re.search(r'Join code:\s+([A-Z0-9]{6})', out).group(1)


def test_export_every_format_and_import_the_archive(tmp_path, capsys):
    db = str(tmp_path / 'cli.sqlite3')
    assert main(['new', 'cluster-workshop', '--db', db, '--date', '2020-05-26', '--public-url', 'http://x']) == 0
    code = _code(capsys.readouterr().out)
    for fmt, magic in (('pdf', b'%PDF'), ('docx', b'PK'), ('md', b'*Protokoll*'), ('csv', b'\xef\xbb\xbf'),
                       ('json', b'{')):
        target = tmp_path / f'out.{fmt}'
        assert main(['export', code, '--format', fmt, '-o', str(target), '--db', db]) == 0
        assert target.read_bytes().startswith(magic), fmt
    assert str(tmp_path / 'out.pdf') in capsys.readouterr().out

    assert main(['import', str(tmp_path / 'out.json'), '--db', db, '--public-url', 'https://ws.example.org']) == 0
    out = capsys.readouterr().out
    copy = _code(out)
    assert copy != code and re.search(r'Lead moderator:\s+https://ws\.example\.org/lead/[\w-]{22}', out)
    assert len(re.findall(r'W \d\.\d\s+https://ws\.example\.org/m/[\w-]{22}', out)) == 6
    assert main(['export', copy, '--format', 'json', '-o', str(tmp_path / 'again.json'), '--db', db]) == 0
    assert json.loads((tmp_path / 'again.json').read_text('utf-8')) == json.loads(
        (tmp_path / 'out.json').read_text('utf-8'))


def test_default_file_name_and_standard_output(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / 'cli.sqlite3')
    main(['new', 'cluster-workshop', '--db', db, '--date', '2020-05-26', '--public-url', 'http://x'])
    code = _code(capsys.readouterr().out)
    monkeypatch.chdir(tmp_path)
    assert main(['export', code, '--db', db]) == 0
    assert (tmp_path / '2020-05-26-clusterworkshop-zukunft-der-cluster-cluster-der-zukunft-protokoll.pdf').is_file()
    capsys.readouterr()
    assert main(['export', code, '--format', 'md', '-o', '-', '--db', db]) == 0
    assert '## 1\u2002Ablauf' in capsys.readouterr().out


def test_errors_are_clear(tmp_path, capsys):
    db = str(tmp_path / 'cli.sqlite3')
    assert main(['export', 'NOPE23', '--db', db]) == 2
    assert 'There is no workshop with the code NOPE23' in capsys.readouterr().err
    bad = tmp_path / 'bad.json'
    bad.write_text('{"format": "workshop-archive", "version": 1, "workshop": {}}', encoding='utf-8')
    assert main(['import', str(bad), '--db', db]) == 2
    assert 'bad.json: workshop.title: is missing' in capsys.readouterr().err
    assert main(['import', str(tmp_path / 'missing.json'), '--db', db]) == 2
    assert 'missing.json' in capsys.readouterr().err


def test_a_deeply_nested_archive_is_refused_in_one_line(tmp_path, capsys):
    """100,000 levels of nesting (a JSON bomb of the simplest kind): the one-line error, no traceback."""
    import subprocess
    import sys
    db = str(tmp_path / 'cli.sqlite3')
    for name, text in (('arrays.json', '[' * 100_000 + ']' * 100_000),
                       ('objects.json', '{"workshop": ' + '{"a": ' * 100_000 + '1' + '}' * 100_001)):
        (tmp_path / name).write_text(text, encoding='utf-8')
        result = subprocess.run([sys.executable, '-m', 'workshop', 'import', str(tmp_path / name), '--db', db],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr[-2000:]
        assert 'Traceback' not in result.stderr
        assert result.stderr.strip().splitlines() == \
            [f'error: {tmp_path / name}: nested too deeply to be a workshop archive']
    (tmp_path / 'latin1.json').write_bytes('{"title": "Übung"}'.encode('latin-1'))
    assert main(['import', str(tmp_path / 'latin1.json'), '--db', db]) == 2  # not UTF-8: one line as well
    assert capsys.readouterr().err == f'error: {tmp_path / "latin1.json"}: not valid JSON (not UTF-8 text)\n'


def test_export_the_summary_slides(tmp_path, capsys, monkeypatch):
    import io

    from pptx import Presentation
    db = str(tmp_path / 'cli.sqlite3')
    main(['new', 'cluster-workshop', '--db', db, '--date', '2020-05-26', '--public-url', 'http://x'])
    code = _code(capsys.readouterr().out)
    monkeypatch.chdir(tmp_path)
    assert main(['export', code, '--format', 'pptx', '--db', db]) == 0
    target = tmp_path / '2020-05-26-clusterworkshop-zukunft-der-cluster-cluster-der-zukunft-resuemee.pptx'
    assert f'{target.name}  (' in capsys.readouterr().out
    deck = Presentation(io.BytesIO(target.read_bytes()))
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
              for slide in deck.slides]
    assert titles == ['Resümee', 'Workshop 1: Entstehung von Netzwerken und Clustern',
                      'Workshop 2: Clusterstrategien und Strategieentwicklung',
                      'Workshop 3: Zukunftsthemen und Cross-Innovationen']
