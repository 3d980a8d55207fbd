"""Print ``name<TAB>path<TAB>cookie`` for the pages Lighthouse checks (used by bench/lighthouse.sh)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import prepare

WANTED = {"landing page": "landing", "task list": "task-list", "panellist review": "review"}

if __name__ == "__main__":
    for name, path, cookie in prepare(os.environ["DATABASE_URL"]):
        if name in WANTED:
            print(f"{WANTED[name]}\t{path}\t{cookie}")
