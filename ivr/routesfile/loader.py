"""The operators' routes.yaml, loaded into the core's immutable model: the package's front door.

`load_routes(path)` reads a file, `parse_routes(text)` takes text already read; both raise
RoutesError naming the file, the line and the key path of every problem. The steps, each a
module of its own:

1. `file.py`: the file's text, read as untrusted input (`read_routes_text`; the only I/O);
2. `reader.py`: YAML into plain data, keeping the line of every key path, its size bounded;
3. `validation.py`: the data against `schema.json`, each error said from a table of explanations;
4. `builder.py`: the checked data into `Routes`, with the checks that need more than one value.

Each step notes every problem it finds; loading stops after the first step that found one.
"""

from __future__ import annotations

from pathlib import Path

from ..core.notices import notice
from ..core.routes import Routes
from .builder import build
from .file import read_routes_text
from .reader import Problem, RoutesError, read_yaml
from .validation import check_schema

__all__ = ["RoutesError", "load_routes", "parse_routes", "read_routes_text"]


def load_routes(path: str | Path) -> Routes:
    """Read and check a routes file; raise RoutesError naming every problem."""
    return parse_routes(read_routes_text(path), str(path))


def parse_routes(text: str, file: str = "routes.yaml") -> Routes:
    """Check routes text strictly and build the model; raise RoutesError on any problem.

    Any other error while loading (a bug, or a file that finds one) becomes a RoutesError too:
    the server keeps serving what it had, and `ivr check` names the file instead of a traceback.
    """
    try:
        return _parse_routes(text, file)
    except RoutesError:
        raise
    except Exception as exc:  # noqa: BLE001 — RecursionError and MemoryError included
        reason = str(exc)[:200]
        # TRANSLATORS: loading failed in an unexpected way; error is the name of the Python error.
        message = notice("cannot be loaded: %(error)s", error=type(exc).__name__)
        if reason:
            # TRANSLATORS: as above, with the error's own words after it.
            message = notice("cannot be loaded: %(error)s: %(reason)s", error=type(exc).__name__, reason=reason)
        raise RoutesError([Problem(file, 1, (), message)]) from exc


def _parse_routes(text: str, file: str) -> Routes:
    doc = read_yaml(text, file)
    if doc.problems:
        raise RoutesError(doc.problems)
    check_schema(doc)
    if doc.problems:
        raise RoutesError(doc.problems)
    routes = build(doc, text)
    if doc.problems:
        raise RoutesError(sorted(doc.problems, key=lambda p: p.line))
    return routes
