"""Two runs of `python -m bench --json`, side by side: `python -m bench.compare BEFORE.json AFTER.json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .report import before_after

if __name__ == "__main__":
    before, after = (json.loads(Path(p).read_text()) for p in sys.argv[1:3])
    print(f"Machine: {after.get('machine')}\n")
    print(before_after(before, after))
