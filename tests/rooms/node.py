"""Browser modules of the pages run in Node (Node.js comes with npm, which the build needs)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
PAGES = ROOT / 'workshop' / 'pages'

_IMPORT_MAPS = """
import json
from workshop.pages.boards import IdeaBoard
from workshop.pages.cluster_board import ClusterBoard
print(json.dumps({e.__name__: {library.name: library.path.as_uri() for library in e.exposed_libraries}
                  for e in (IdeaBoard, ClusterBoard)}))
"""


@functools.cache
def import_maps() -> dict[str, dict[str, str]]:
    """The bare imports of each board's modules, as the page's import map has them: NiceGUI serves each file
    of an element's ``dependencies=`` under its name before the first dot (``board_channel``). Read in a
    Python of its own: pages imported here would not be registered afresh by the ``user`` fixture."""
    out = subprocess.run([sys.executable, '-c', _IMPORT_MAPS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def run_in_node(script: str, *args: str) -> Any:
    """Runs ``script`` (a file of tests/rooms) with the idea board's import map and returns the JSON it prints."""
    node = shutil.which('node')
    assert node, 'Node.js runs the browser modules (it comes with npm, which the build needs)'
    out = subprocess.run([node, '--import', (HERE / 'import_map.mjs').as_uri(), str(HERE / script), *args],
                         env={**os.environ, 'WS_IMPORT_MAP': json.dumps(import_maps()['IdeaBoard'])},
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
