"""Benchmark: theme suggestions (workshop/services/themes.py) — quality on the labelled ideas, speed for 1,000.

    .venv/bin/python bench/themes.py [--runs 5] [--count 1000] [--show]

For each labelled set of tests/services/data/ (German, German held out, English) and for 1,000 ideas made from
the German and the English set (tests/services/theme_data.variations: the same thoughts again with fillers,
typos, lowercase starts, two ideas joined), prints pairwise precision and recall, the number of suggestions,
how many ideas they hold, and the time of one call (median and slowest of --runs, after a first call that
loads simplemma's dictionary, which is timed apart). --show lists the suggestions of the labelled sets.
Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.services.theme_data import Labelled, load, pairwise, variations
from workshop.services.themes import suggest_themes


def _timed(data: Labelled) -> tuple[float, list]:
    start = time.perf_counter()
    suggestions = suggest_themes(data.texts, language=data.language)
    return time.perf_counter() - start, suggestions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--show', action='store_true')
    args = parser.parse_args()

    sets = {name: load(name) for name in ('themes_de', 'themes_de_holdout', 'themes_en')}
    sets[f'{args.count} from themes_de'] = variations(sets['themes_de'], args.count)
    sets[f'{args.count} from themes_en'] = variations(sets['themes_en'], args.count)

    print(f'Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, '
          f'load average {os.getloadavg()[0]:.1f}')
    for language in ('de', 'en'):
        first, _ = _timed(Labelled(language, ((1, 'Wasserstoff' if language == 'de' else 'hydrogen', None),)))
        print(f'first call in the process ({language}, loads the dictionary): {first:.2f} s')
    print()
    print('| ideas | labelled themes | precision | recall | suggestions | ideas in them | time, median | slowest |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for name, data in sets.items():
        times, suggestions = [], []
        for _ in range(args.runs):
            seconds, suggestions = _timed(data)
            times.append(seconds)
        scores = pairwise((s.idea_ids for s in suggestions), data.labels)
        themes = len({theme for _, _, theme in data.ideas if theme is not None})
        print(f'| {name} ({len(data.ideas)}) | {themes} | {scores.precision:.2f} | {scores.recall:.3f} '
              f'| {len(suggestions)} | {scores.clustered} | {statistics.median(times) * 1000:.0f} ms '
              f'| {max(times) * 1000:.0f} ms |')
        if args.show and len(data.ideas) < 200:
            texts = {i: (text, theme) for i, text, theme in data.ideas}
            for s in suggestions:
                print(f'    {s.title} ({s.score}): ' + '; '.join(f'{texts[i][0][:40]} [{texts[i][1]}]'
                                                             for i in s.idea_ids))


if __name__ == '__main__':
    main()
