"""The shipped workshop templates load, and broken templates are refused with a
message that names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.models import AgendaKind, WorkshopFormat
from workshop.templates import (
    SESSIONS_DIR,
    QuestionBlockSpec,
    TemplateError,
    WorkshopTemplate,
    available_templates,
    load_template,
)

EXPECTED = {'cluster-workshop', 'cluster-strategy', 'stakeholder-workshop-en'}

VALID = '''\
title: Test
rounds:
  - title: Durchlauf 1
  - title: Durchlauf 2
topics:
  - title: Thema A
    questions:
      - Frage 1
  - title: Thema B
    questions:
      - Frage 1
'''


def _write(tmp_path: Path, text: str, name: str = 'broken.yaml') -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path


def _error(path: Path | str) -> str:
    with pytest.raises(TemplateError) as info:
        load_template(path)
    return str(info.value)


# --- shipped templates ----------------------------------------------------------------------------

def test_expected_templates_are_available():
    assert EXPECTED <= set(available_templates())


@pytest.mark.parametrize('name', available_templates())
def test_every_template_loads(name: str):
    template = load_template(name)
    assert isinstance(template, WorkshopTemplate)
    assert template.title
    assert template.topics
    assert template.agenda
    for i in range(len(template.rounds)):
        assert template.round_topics(i)
    # every breakout round in the agenda exists
    for item in template.agenda:
        if item.kind == AgendaKind.breakout_round:
            assert item.round is not None and 1 <= item.round <= len(template.rounds)


@pytest.mark.parametrize('name', available_templates())
def test_template_files_are_utf8_with_comment_header(name: str):
    raw = (SESSIONS_DIR / f'{name}.yaml').read_bytes()
    text = raw.decode('utf-8')
    assert text.startswith('#')


def test_cluster_workshop_structure():
    t = load_template('cluster-workshop')
    assert t.language == 'de'
    assert t.format == WorkshopFormat.online
    assert t.start == '14:00' and t.end == '16:45'
    assert 'Zukunft der Cluster' in t.title
    assert t.context.strip()
    assert t.stakeholder_groups == [
        'Unternehmen', 'Hochschulen', 'Forschungseinrichtungen', 'Clustermanagements / Netzwerke',
        'Verbände und Kammern', 'Ministerien und Verwaltung',
    ]
    assert [r.title for r in t.rounds] == ['Durchlauf 1', 'Durchlauf 2']
    assert len(t.topics) == 3
    assert [t.round_topics(i) for i in range(2)] == [[1, 2, 3], [1, 2, 3]]
    assert t.breakout_label.format(round=2, topic=3) == 'W 2.3'

    w1, w2, w3 = t.topics
    assert w1.title == 'Entstehung von Netzwerken und Clustern'
    assert w2.title == 'Clusterstrategien und Strategieentwicklung'
    assert w3.title == 'Zukunftsthemen und Cross-Innovationen'
    assert len(w1.questions) == 6 and all(isinstance(q, str) for q in w1.questions)
    assert len(w3.questions) == 6 and all(isinstance(q, str) for q in w3.questions)
    assert w1.questions[0] == 'Wer sind die Initiatoren und Organisationen Ihres Clusters/Netzwerks?'
    assert w1.questions[4] == (
        'Was muss bei Ihnen auf unternehmerischer und ggf. auf wissenschaftlicher Seite passieren, um in '
        'Netzwerken zu denken und sich formal zu organisieren? Was muss passieren, damit Sie aktiv werden '
        'und sich Partner suchen, mit dem Ziel, Netzwerke oder Cluster zu bilden?')
    assert w3.questions[5] == (
        'Über welche Kanäle werden diese Cluster gefunden? Wie könnte der Prozess optimiert werden? '
        'Kennen Sie die entsprechenden Angebote auf Bundes- und EU-Ebene?')

    assert all(isinstance(q, QuestionBlockSpec) for q in w2.questions)
    assert [q.block for q in w2.questions] == [
        'Generelle Leistungsfähigkeit von Clusterinitiativen',
        'Identifizierung von strategischen Themen in der Clusterinitiative',
        'Unterstützungsbedarfe bei der Strategieentwicklung',
    ]
    assert w2.questions[0].questions == [
        'Wo werden Faktoren gesehen, um generell die Leistungsfähigkeit zu steigern?',
        'Beitrag von Clusterstrategien zur Steigerung der Leistungsfähigkeit?',
    ]
    assert w2.questions[1].questions == ['Einsatz von Methoden / Instrumenten',
                                         'Organisation des Clusterstrategieprozesses']
    assert w2.questions[2].questions == []

    # same moderator in both rounds, one per topic
    assert [w.moderator.name for w in t.topics] == ['Moderation W1', 'Moderation W2', 'Moderation W3']
    assert all(not r.moderators for r in t.rounds)

    kinds = [(item.kind, item.round) for item in t.agenda]
    assert (AgendaKind.breakout_round, 1) in kinds
    assert (AgendaKind.breakout_round, 2) in kinds
    assert any(item.kind == AgendaKind.summary and 'Resümee' in item.title for item in t.agenda)
    assert sum(item.kind == AgendaKind.break_ for item in t.agenda) == 3
    assert [item.time for item in t.agenda if item.time] == [
        '13:00', '14:00', '14:45', '14:50', '15:35', '15:45', '16:30', '16:40']


def test_umlauts_are_intact():
    text = (SESSIONS_DIR / 'cluster-workshop.yaml').read_text(encoding='utf-8')
    assert 'Leistungsfähigkeit' in text
    t = load_template('cluster-workshop')
    assert 'Leistungsfähigkeit' in t.topics[1].questions[0].block
    assert 'Verbände und Kammern' in t.stakeholder_groups
    assert any(item.title == 'Eröffnung und Begrüßung' for item in t.agenda)


def test_cluster_strategy_structure():
    t = load_template('cluster-strategy')
    assert t.language == 'de'
    assert t.format == WorkshopFormat.hybrid
    assert len(t.rounds) == 1 and len(t.topics) == 1
    questions = t.topics[0].questions
    blocks = [q for q in questions if isinstance(q, QuestionBlockSpec)]
    assert len(blocks) >= 5 and all(b.questions for b in blocks)
    assert questions[-1] == ('Wie sind Ihre Erfahrungen bei der Zusammenarbeit in Clustern? Was sind die '
                             'wichtigsten Erfolgsfaktoren und welche Fehler gilt es zu vermeiden?')
    assert any('Scorecard' in b.block for b in blocks)
    assert any(item.kind == AgendaKind.breakout_round and item.round == 1 for item in t.agenda)
    assert any(item.kind == AgendaKind.summary for item in t.agenda)


def test_english_template():
    t = load_template('stakeholder-workshop-en')
    assert t.language == 'en'
    assert t.format == WorkshopFormat.hybrid
    assert len(t.rounds) == 2
    assert 2 <= len(t.topics) <= 3
    assert all(4 <= len(topic.questions) <= 6 for topic in t.topics)
    assert t.stakeholder_groups == ['Companies', 'Universities', 'Research institutes',
                                    'Cluster organisations', 'Associations', 'Public administration']
    rounds = {item.round for item in t.agenda if item.kind == AgendaKind.breakout_round}
    assert rounds == {1, 2}


def test_valid_minimal_file_loads_by_path(tmp_path: Path):
    t = load_template(_write(tmp_path, VALID))
    assert len(t.rounds) == 2 and len(t.topics) == 2


# --- broken templates -----------------------------------------------------------------------------

def test_invalid_yaml_syntax(tmp_path: Path):
    path = _write(tmp_path, 'title: Test\ntopics:\n  - title: A\n     questions: [x]\n')
    message = _error(path)
    assert str(path) in message
    assert 'line 4' in message
    assert 'not valid YAML' in message


def test_tab_indentation_is_a_yaml_error(tmp_path: Path):
    path = _write(tmp_path, 'title: Test\ntopics:\n\t- title: A\n')
    message = _error(path)
    assert str(path) in message and 'line 3' in message and 'not valid YAML' in message


def test_missing_required_field(tmp_path: Path):
    path = _write(tmp_path, 'title: Test\nagenda:\n  - title: Begrüßung\n')
    message = _error(path)
    assert str(path) in message
    assert 'line 1' in message
    assert 'topics' in message and 'required' in message


def test_missing_field_in_nested_item(tmp_path: Path):
    path = _write(tmp_path, 'title: Test\ntopics:\n  - title: A\n    questions: [x]\n  - title: B\n')
    message = _error(path)
    assert str(path) in message and 'line 5' in message
    assert 'topics[1].questions' in message and 'required' in message


def test_unknown_field(tmp_path: Path):
    path = _write(tmp_path, VALID.replace('title: Test', 'title: Test\ntitel: Tippfehler'))
    message = _error(path)
    assert str(path) in message
    assert 'line 2' in message
    assert 'titel' in message and 'unknown field' in message


def test_unknown_field_in_question_block(tmp_path: Path):
    path = _write(tmp_path, 'title: Test\ntopics:\n  - title: A\n    questions:\n      - blok: X\n')
    message = _error(path)
    assert str(path) in message and 'line 5' in message
    assert 'blok' in message and 'unknown field' in message
    assert 'constrained' not in message


@pytest.mark.parametrize('field', ['start', 'end'])
def test_bad_time(tmp_path: Path, field: str):
    path = _write(tmp_path, VALID.replace('title: Test', f'title: Test\n{field}: "25:99"'))
    message = _error(path)
    assert str(path) in message
    assert 'line 2' in message
    assert field in message and '25:99' in message


def test_bad_time_in_agenda(tmp_path: Path):
    path = _write(tmp_path, VALID.replace('title: Test', 'title: Test\nagenda:\n  - title: X\n    time: "25:99"'))
    message = _error(path)
    assert str(path) in message and 'line 4' in message
    assert 'agenda[0].time' in message and '25:99' in message


def test_unquoted_time_is_accepted(tmp_path: Path):
    # YAML 1.1 reads 14:30 as the number 870; the template turns it back into "14:30"
    t = load_template(_write(tmp_path, VALID.replace('title: Test', 'title: Test\nstart: 14:30\nend: 9:05')))
    assert (t.start, t.end) == ('14:30', '09:05')


def test_round_refers_to_missing_topic(tmp_path: Path):
    text = VALID.replace('  - title: Durchlauf 2\n', '  - title: Durchlauf 2\n    topics: [1, 3]\n')
    path = _write(tmp_path, text)
    message = _error(path)
    assert str(path) in message
    assert 'line 5' in message
    assert 'round 2 refers to topic 3' in message and 'only 2 topics' in message


def test_round_moderator_for_missing_topic(tmp_path: Path):
    text = VALID.replace('  - title: Durchlauf 1\n',
                         '  - title: Durchlauf 1\n    moderators:\n      4:\n        name: X\n')
    path = _write(tmp_path, text)
    message = _error(path)
    assert str(path) in message and 'line 6' in message
    assert 'round 1 refers to topic 4' in message


def test_agenda_refers_to_missing_round(tmp_path: Path):
    text = VALID.replace('title: Test', 'title: Test\nagenda:\n  - title: X\n    kind: breakout_round\n    round: 3')
    path = _write(tmp_path, text)
    message = _error(path)
    assert str(path) in message and 'line 5' in message
    assert 'round 3' in message and 'only 2 rounds' in message


def test_round_on_non_breakout_item(tmp_path: Path):
    path = _write(tmp_path, VALID.replace('title: Test', 'title: Test\nagenda:\n  - title: X\n    round: 1'))
    message = _error(path)
    assert str(path) in message and 'line 3' in message
    assert 'breakout_round' in message


def test_not_utf8(tmp_path: Path):
    path = tmp_path / 'latin1.yaml'
    path.write_bytes(b'title: M\xfcnchen')
    message = _error(path)
    assert str(path) in message
    assert 'line 1' in message
    assert 'UTF-8' in message


def test_not_utf8_reports_line(tmp_path: Path):
    path = tmp_path / 'latin1.yaml'
    path.write_bytes(b'title: Test\nsubtitle: M\xfcnchen\n')
    message = _error(path)
    assert 'line 2' in message and 'UTF-8' in message


def test_not_a_mapping(tmp_path: Path):
    path = _write(tmp_path, '- just\n- a list\n')
    message = _error(path)
    assert str(path) in message and 'mapping' in message


def test_unknown_template_name_lists_available():
    message = _error('no-such-workshop')
    assert 'no-such-workshop' in message
    assert 'no such template' in message
    for name in EXPECTED:
        assert name in message
