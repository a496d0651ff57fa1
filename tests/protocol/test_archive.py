import copy
import json
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import select

from workshop.limits import CONTEXT_MAX, IDEA_MAX, IDEA_MODERATION_MAX, TITLE_MAX
from workshop.models import Breakout, Idea, Participant, Workshop
from workshop.protocol import archive, archive_models
from workshop.protocol.archive import ArchiveError, validate_archive
from workshop.services import editing
from workshop.services.errors import Invalid
from workshop.services.imports import import_archive

from .helpers import archive_of

SCHEMA_FILE = Path(__file__).resolve().parents[2] / 'docs' / 'archive.schema.json'
SCHEMA = json.loads(SCHEMA_FILE.read_text('utf-8'))


def _first_idea(d: dict) -> dict:
    return d['workshop']['rounds'][0]['breakouts'][0]['questions'][0]['ideas'][0]


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _find_vote(data: dict) -> tuple[str, dict]:
    """The place of the first idea with a vote: its path and the vote."""
    for r, round_ in enumerate(data['workshop']['rounds']):
        for b, breakout in enumerate(round_['breakouts']):
            for q, question in enumerate(breakout['questions']):
                for i, idea in enumerate(question['ideas']):
                    if idea['votes']:
                        path = f'workshop.rounds[{r}].breakouts[{b}].questions[{q}].ideas[{i}].votes[0]'
                        return path, idea['votes'][0]
    raise AssertionError('no vote')


async def test_export_matches_the_documented_schema(db, ran):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    data = await archive_of(db, ran.links.workshop_id)
    _validator().validate(data)
    assert data['format'] == 'workshop-archive' and data['version'] == 2
    w = data['workshop']
    assert w['context'].startswith('Cluster sind') and [c['title'] for c in w['conclusions']] == ran.conclusions
    assert w['participation_extra'] == {'Unternehmen': 2}
    ideas = [i for r in w['rounds'] for b in r['breakouts'] for q in b['questions'] for i in q['ideas']]
    hidden = next(i for i in ideas if i['text'] == 'Kaufen Sie jetzt günstige Uhren')
    assert hidden['hidden'] and hidden['hidden_reason'] == 'abuse'
    merged = next(i for i in ideas if i['text'] == 'Wirtschaftsförderung als Türöffner')
    kept = next(i for i in ideas if i['id'] == merged['merged_into'])
    assert kept['text'].startswith('Wirtschaftsförderung der Region') and len(kept['votes']) == 3
    assert all(v['dots'] == 1 and isinstance(v['participant'], int) for v in kept['votes'])
    people = {p['id']: p for p in w['participants']}
    assert people[ideas[0]['author']]['name'] == 'Anna Grün'


async def test_round_trip_is_exact_and_secrets_are_new(db, ran):
    data = await archive_of(db, ran.links.workshop_id)
    text = archive.dumps(data)
    copy_id = await import_archive(db, json.loads(text))
    again = await archive_of(db, copy_id)
    assert again == data and archive.dumps(again) == text
    assert archive.checksum(again) == archive.checksum(data)
    async with db.session() as s:
        original, imported = await s.get(Workshop, ran.links.workshop_id), await s.get(Workshop, copy_id)
        assert imported.join_code != original.join_code and imported.lead_secret != original.lead_secret
        secrets = set((await s.exec(select(Breakout.moderator_secret))).all())
        tokens = list((await s.exec(select(Participant.token))).all())
    assert len(secrets) == 12 and len(set(tokens)) == len(tokens)
    for secret in [original.join_code, original.lead_secret, *secrets, *tokens]:
        assert secret not in text  # no code, link secret or token in the archive


@pytest.mark.parametrize('change, place, problem', [
    (lambda d, vote: vote.__setitem__('dots', -1), '{vote}.dots', 'must be ≥ 0'),
    (lambda d, vote: vote.__setitem__('participant', 999), '{vote}.participant', 'there is no participant 999'),
    (lambda d, vote: vote.__setitem__('dots', '3'), '{vote}.dots', 'must be a whole number'),
    (lambda d, vote: d.__setitem__('version', 3), 'version', 'this app reads archive versions 1 and 2, not 3'),
    (lambda d, vote: d.__setitem__('format', 'zip'), 'format', 'must be "workshop-archive"'),
    (lambda d, vote: d['workshop'].pop('title'), 'workshop.title', 'is missing'),
    (lambda d, vote: d['workshop'].__setitem__('colour', 'blue'), 'workshop.colour', 'is not a known field'),
    (lambda d, vote: d['workshop'].__setitem__('format', 'radio'), 'workshop.format',
     'must be one of "online", "hybrid", "onsite"'),
    (lambda d, vote: d['workshop']['rounds'][0]['breakouts'][0].__setitem__('topic', 9),
     'workshop.rounds[0].breakouts[0].topic', 'there is no topic 9'),
    (lambda d, vote: d['workshop']['rounds'][0]['breakouts'][0]['questions'][0].__setitem__('text', 'anders'),
     'workshop.rounds[0].breakouts[0].questions[0].text', 'must be the same as in question 1 of topic 1'),
    (lambda d, vote: d['workshop']['participants'][0]['attendance'].append(
        dict(d['workshop']['participants'][0]['attendance'][0])),
     'workshop.participants[0].attendance[2].breakout', 'a participant attends one breakout per round (round 1)'),
    (lambda d, vote: d['workshop']['participants'][0].__setitem__('created_at', '2026-05-26 14:00'),
     'workshop.participants[0].created_at', 'needs a time zone, e.g. "+00:00"'),
    (lambda d, vote: d['workshop'].__setitem__('title', 'T' * (TITLE_MAX + 1)), 'workshop.title',
     f'is too long ({TITLE_MAX + 1} characters, at most {TITLE_MAX})'),
    (lambda d, vote: d['workshop'].__setitem__('subtitle', 5), 'workshop.subtitle', 'must be a text or null'),
    (lambda d, vote: d['workshop'].__setitem__('privacy', None), 'workshop.privacy', 'must be an object'),
    (lambda d, vote: d['workshop']['live'].__setitem__('notice_at', '2026-05-26 14:00:00+00:00'),
     'workshop.live.notice_at', 'must be a date and time like "2026-05-26T14:03:00+00:00" or null'),
    (lambda d, vote: d['workshop']['participation_extra'].__setitem__('G' * (TITLE_MAX + 1), 1),
     'workshop.participation_extra', f'a key is too long ({TITLE_MAX + 1} characters, at most {TITLE_MAX})'),
    (lambda d, vote: d['workshop']['rounds'][0]['breakouts'][0].__setitem__('key_results', ['…'] * 21),
     'workshop.rounds[0].breakouts[0].key_results', 'has too many items (21, at most 20)'),
    (lambda d, vote: _first_idea(d).__setitem__('hidden_reason', 'boring'),
     'workshop.rounds[0].breakouts[0].questions[0].ideas[0].hidden_reason',
     'must be one of "off_topic", "duplicate", "abuse", "other" or null'),
    (lambda d, vote: d['workshop'].__setitem__('topics', []), 'workshop.topics', 'must not be empty'),
])
async def test_validation_errors_name_the_place(db, ran, change, place, problem):
    data = await archive_of(db, ran.links.workshop_id)
    vote_path, vote = _find_vote(data)
    change(data, vote)
    with pytest.raises(ArchiveError) as e:
        validate_archive(data)
    assert str(e.value) == f'{place.format(vote=vote_path)}: {problem}'
    references = ('there is no', 'same as in question', 'one breakout per round')  # the importer's checks
    assert _validator().is_valid(data) == any(r in problem for r in references)  # the rest the schema finds, too
    async with db.session() as s:
        before = len((await s.exec(select(Workshop))).all())
    with pytest.raises(ArchiveError):
        await import_archive(db, data)
    async with db.session() as s:
        assert len((await s.exec(select(Workshop))).all()) == before  # nothing half-imported


async def test_the_documented_example_place_for_negative_dots(db, ran):
    data = await archive_of(db, ran.links.workshop_id)
    broken = copy.deepcopy(data)
    idea = {'id': 9999, 'text': 'x', 'author': None, 'created_at': '2026-05-26T14:00:00+00:00', 'source': 'phone',
            'original_text': None, 'edited_at': None, 'hidden': False, 'hidden_reason': None, 'merged_into': None,
            'group': None, 'marked': False, 'votes': [{'participant': 1, 'dots': -1,
                                                       'created_at': '2026-05-26T14:00:00+00:00'}]}
    questions = broken['workshop']['rounds'][0]['breakouts'][1]['questions']
    questions[2]['ideas'] = [dict(idea, id=9990 + n, votes=[]) for n in range(5)] + [idea]
    with pytest.raises(ArchiveError, match=r'^workshop\.rounds\[0\]\.breakouts\[1\]\.questions\[2\]\.ideas\[5\]'
                                           r'\.votes\[0\]\.dots: must be ≥ 0$'):
        validate_archive(broken)


async def test_merges_must_stay_in_their_question_and_not_circle(db, ran):
    data = await archive_of(db, ran.links.workshop_id)
    ideas = data['workshop']['rounds'][0]['breakouts'][0]['questions']
    a, b = ideas[0]['ideas'][0], ideas[1]['ideas'][0]
    a['merged_into'] = b['id']
    with pytest.raises(ArchiveError, match='must be another idea of the same breakout and question'):
        validate_archive(data)
    a['merged_into'], b2 = None, ideas[0]['ideas'][1]
    a['merged_into'], b2['merged_into'] = b2['id'], a['id']
    with pytest.raises(ArchiveError, match='in a circle'):
        validate_archive(data)


def test_bad_json_is_reported_with_line_and_column():
    with pytest.raises(ArchiveError, match=r'^not valid JSON \(line 2, column 1'):
        archive.loads('{"format": "workshop-archive",\n}')


def test_the_schema_file_is_generated_from_the_models():
    """docs/archive.schema.json is what the models generate; after changing them, run
    `python -m workshop.protocol.archive_models > docs/archive.schema.json`."""
    assert SCHEMA_FILE.read_text('utf-8') == archive_models.schema_text(), \
        'docs/archive.schema.json is out of date: python -m workshop.protocol.archive_models > docs/archive.schema.json'


async def test_the_archive_takes_exactly_what_the_editing_services_take(db, bus, ran):
    """One source for the limits: the longest title, stakeholder group and context the services accept
    survive export and import; one character more is refused by the services and by the archive."""
    longest = {'title': 'T' * TITLE_MAX, 'stakeholder_groups': ['Unternehmen', 'G' * TITLE_MAX],
               'context': 'C' * CONTEXT_MAX}
    await editing.update_details(db, bus, lead_secret=ran.lead_secret, **longest)
    data = await archive_of(db, ran.links.workshop_id)
    assert await archive_of(db, await import_archive(db, data)) == data
    too_long = [('title', 'T' * (TITLE_MAX + 1), 'workshop.title', TITLE_MAX),
                 ('stakeholder_groups', ['G' * (TITLE_MAX + 1)], 'workshop.stakeholder_groups[0]', TITLE_MAX),
                 ('context', 'C' * (CONTEXT_MAX + 1), 'workshop.context', CONTEXT_MAX)]
    for field, value, place, limit in too_long:
        with pytest.raises(Invalid, match='too long'):
            await editing.update_details(db, bus, lead_secret=ran.lead_secret, **{field: value})
        broken = copy.deepcopy(data)
        broken['workshop'][field] = value
        with pytest.raises(ArchiveError) as e:
            validate_archive(broken)
        assert (e.value.path, e.value.problem) == (place, f'is too long ({limit + 1} characters, at most {limit})')


async def test_the_archive_takes_the_moderations_long_contributions(db, bus, ran):
    """A contribution the moderation entered (up to IDEA_MODERATION_MAX, in lines) and one it edited (the phone's
    original kept) survive export and import; one character more is refused. The limit was relaxed without a new
    archive version: a version 2 archive of before stays valid."""
    from workshop.services import curation
    secret = next(b for b in ran.links.breakouts if b.label == 'W 1.1').moderator_secret
    text = 'Aus dem Chat:\n- ' + 'ü' * (IDEA_MODERATION_MAX - 16)
    await curation.add_idea(db, bus, secret=secret, text=text)
    phone = next(i for i in _ideas(await archive_of(db, ran.links.workshop_id))
                 if i['text'] == 'Hochschulen und Kammern als Initiatoren')
    edited = 'Hochschulen und Kammern als Initiatoren, ergänzt:\n- ' + 'e' * 1900
    async with db.session() as s:
        phone_id = (await s.exec(select(Idea.id).where(Idea.text == phone['text']))).one()
    await curation.edit_idea(db, bus, secret=secret, idea_id=phone_id, text=edited)
    data = await archive_of(db, ran.links.workshop_id)
    assert data['version'] == 2 and len(text) == IDEA_MODERATION_MAX > IDEA_MAX
    assert any(i['text'] == text and i['author'] is None and i['source'] == 'moderator' for i in _ideas(data))
    assert any(i['text'] == edited and i['original_text'] == phone['text'] and i['source'] == 'phone'
               for i in _ideas(data))
    _validator().validate(data)  # the documented schema says so too
    assert await archive_of(db, await import_archive(db, data)) == data
    broken = copy.deepcopy(data)
    idea = next(i for i in _ideas(broken) if i['text'] == text)
    idea['text'] += '!'
    with pytest.raises(ArchiveError) as e:
        validate_archive(broken)
    assert e.value.problem == f'is too long ({IDEA_MODERATION_MAX + 1} characters, at most {IDEA_MODERATION_MAX})'
    assert e.value.path.endswith('.text')


def _ideas(data: dict) -> list[dict]:
    return [i for r in data['workshop']['rounds'] for b in r['breakouts'] for q in b['questions'] for i in q['ideas']]


async def test_the_run_of_shows_settings_round_trip_and_older_archives_lack_them(db, bus, ran):
    """#16: a notice's end, the walls' gong and a timer that closes collection travel with the archive; without
    them (older archives) nothing changes."""
    from workshop.services import facilitation, lead
    plain = await archive_of(db, ran.links.workshop_id)
    assert 'notice_until' not in plain['workshop']['live'] and 'gong' not in plain['workshop']['live']
    await lead.send_notice(db, bus, lead_secret=ran.links.lead_secret, text='Pause bis 15 Uhr', minutes=15)
    await lead.set_gong(db, bus, lead_secret=ran.links.lead_secret, gong=True)
    await facilitation.start_timer(db, bus, secret=ran.links.breakouts[0].moderator_secret, seconds=300,
                                   close_collection=True)
    data = await archive_of(db, ran.links.workshop_id)
    assert data['workshop']['live']['gong'] is True and data['workshop']['live']['notice_until']
    assert data['workshop']['rounds'][0]['breakouts'][0]['timer']['closes'] is True
    assert _validator().is_valid(data)
    text = archive.dumps(data)
    again = await archive_of(db, await import_archive(db, json.loads(text)))
    assert archive.dumps(again) == text
