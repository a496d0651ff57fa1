"""Smoke test of the load generator (bench/loadgen.py): 5 phones for 10 s against a spawned server.

It checks that the generator still speaks the app's protocol (join, post, vote, and the
moderator's new clusters and card moves, through the page's own events) and that its JSON
summary holds sane numbers; the figures
themselves are measured with bigger runs (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_five_phones_for_ten_seconds(tmp_path: Path) -> None:
    out = tmp_path / 'summary.json'
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}
    run = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'loadgen.py'), '--spawn', '--phones', '5', '--duration', '10',
         '--seed-ideas', '0', '--vote-burst', '10', '--join-window', '0.5', '--settle', '0.5', '--idle-window', '0.5',
         '--grace', '1.5', '--card-moves', '12', '--clusters', '4', '--move-interval', '0.2',
         '--json', str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=230)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(out.read_text())
    assert json.loads(run.stdout) == summary

    join = summary['join']
    assert (join['joined'], join['failed']) == (5, 0), join
    assert join['screens'] == {'wall': 3, 'moderator': 3}
    assert 0 < join['per_phone_ms']['max'] < 60_000

    ideas = summary['ideas']
    assert ideas['posted'] == ideas['planned'] >= 3
    assert ideas['missed'] == 0 and ideas['foreign_room_deliveries'] == 0
    assert ideas['deliveries'] >= ideas['posted'] * 3  # each idea reaches its room: poster, wall, moderator at least
    latency = ideas['latency_ms']
    assert 0 < latency['p50'] <= latency['p95'] <= latency['max'] < 10_000

    assert summary['phase_switch']['rooms'] == 3
    bursts = summary['votes']['bursts']
    assert bursts and bursts[0]['votes_sent'] > 0
    assert bursts[0]['screens_without_tally_update'] == 0
    assert bursts[0]['ideas_with_differing_final_tallies'] == 0
    assert summary['votes']['settle_ms']['n'] > 0
    assert 0 <= summary['votes']['settle_ms']['max'] < 30_000

    # W 1.1's moderator makes 4 clusters and moves its 2 cards 12 times: each move reaches the room's 2 phones,
    # its wall and the moderator page itself
    curation = summary['curation']
    assert curation['room'] == 'W1.1' and curation['screens'] == {'phone': 2, 'wall': 1, 'moderator': 1}
    assert (curation['clusters_created'], curation['moves_sent'], curation['cards']) == (4, 12, 2), curation
    assert curation['cluster_created_ms']['n'] == 4 * 4
    assert curation['missed'] == 0 and curation['moves_not_on_every_screen'] == 0, curation
    assert curation['deliveries'] == 12 * 4 and curation['every_screen_ms']['n'] == 12
    every = curation['every_screen_ms']
    assert 0 < every['p50'] <= every['p95'] <= every['max'] < 10_000
    assert 'card_move_p95_le_250ms' in summary['targets']

    assert summary['drops']['count'] == 0
    assert summary['messages']['received_by_all_screens'] > 0 and summary['messages']['bytes_received'] > 0
    memory = summary['memory']
    assert 30 < memory['rss_mb_before_join'] <= memory['rss_mb_after_join'] < 2_000
    assert summary['stalls']['event_loop_max_ms']['whole_run'] is not None
    assert summary['server_cpu']['whole_run_s'] > 0

    first = summary['first_load']
    assert first['room_page_cold']['requests'] >= 5
    assert first['room_page_cold']['wire_bytes'] < first['room_page_cold']['decoded_bytes']  # compressed
    # the join page is plain HTML and its stylesheet: a phone can choose its room before any framework loads
    assert first['join_page_cold']['requests'] == 2 and first['join_page_cold']['wire_bytes'] < 10_000
    assert first['join_page_cold']['plus_websocket'] == 0
    assert first['room_page_after_join']['requests'] <= first['room_page_cold']['requests']
