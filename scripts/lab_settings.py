"""Install the course's JupyterLab settings overrides into the active environment.

JupyterLab reads ``<prefix>/share/jupyter/lab/settings/overrides.json`` at start-up. The
course turns off the news and update pop-ups so nothing covers a notebook in class or in a
screenshot.
"""

import json
import shutil
import sys
from pathlib import Path

source = Path(__file__).resolve().parents[1] / "etc" / "overrides.json"
target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
json.loads(source.read_text())  # fail loudly on a malformed file
target.parent.mkdir(parents=True, exist_ok=True)
shutil.copyfile(source, target)
print(f"JupyterLab settings overrides installed: {target}")
