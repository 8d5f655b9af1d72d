"""The request list (requests.json) shared by the Python recorders."""

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = os.environ.get("BASE", "http://127.0.0.1:18765")
_SPEC = json.loads((HERE / "requests.json").read_text(encoding="utf-8"))
HEADERS = _SPEC["headers"]
REQUESTS = _SPEC["requests"]


def out_dir(name):
    """testdata/real/NAME, created empty of nothing: callers remove what they rewrite."""
    path = Path(os.environ.get("OUT", HERE.parent)) / name
    path.mkdir(parents=True, exist_ok=True)
    return path
