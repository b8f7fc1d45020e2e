"""The architecture as contracts: import-linter's, from pyproject.toml, and what an import loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT

LIBRARIES = ("flask", "werkzeug", "twilio", "sqlalchemy", "alembic", "gunicorn", "prometheus_client")


def test_import_contracts_are_kept():
    """A pure core, packages by role in layers, and no import cycle (see [tool.importlinter]).

    lint-imports runs as its own process: it reconfigures logging where it runs.
    """
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def loaded_by(statement: str) -> set[str]:
    """The top-level packages among LIBRARIES that a fresh interpreter has loaded after `statement`."""
    probe = f"import sys\n{statement}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split()) & set(LIBRARIES)


def test_importing_the_flow_or_the_package_loads_no_web_twilio_or_database_library():
    assert loaded_by("import ivr") == set()
    assert loaded_by("import ivr.core.flow, ivr.core.events, ivr.core.paths, ivr.core.wording") == set()
    assert loaded_by("import ivr.routesfile.loader") == set()
    assert loaded_by("import ivr.app") >= {"flask", "werkzeug"}, "the probe must see what an import loads"
