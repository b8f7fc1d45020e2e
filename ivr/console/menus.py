"""The menus as a picture: a Graphviz drawing in the operators' language, with each option's
keys and the words callers say for it."""

from __future__ import annotations

import shutil
import subprocess

from ..core.routes import TOP_MENU, Routes
from ..operators.tree import words
from .i18n import ptr, tr

SAYS_SHOWN = 6


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def says_text(says: tuple[str, ...]) -> str:
    # TRANSLATORS: joins names or values in a list, e.g. 「a、b」.
    shown = ptr("list", ", ").join(says[:SAYS_SHOWN])
    return shown + ("..." if len(says) > SAYS_SHOWN else "")


def menu_title(menu_id: str) -> str:
    # TRANSLATORS: the first menu every caller hears, in the menus picture.
    return tr("First menu") if menu_id == TOP_MENU else tr("Menu %(menu)s", menu=menu_id)


def dot_source(routes: Routes, written_hours) -> str:
    """The menus, options and desks as a Graphviz digraph, labelled in Japanese."""
    out = ["digraph menus {",
           '  rankdir=LR; nodesep=0.15; ranksep=0.6;',
           '  node [fontname="Noto Sans CJK JP,IPAexGothic,sans-serif", fontsize=11];',
           '  edge [fontname="Noto Sans CJK JP,IPAexGothic,sans-serif", fontsize=10];']
    for menu in routes.menus.values():
        out.append(f'  "menu:{menu.id}" [shape=box, style="rounded,filled", fillcolor="#e8f0fa", '
                   f'label="{_quote(menu_title(menu.id))}"];')
        for option in menu.options:
            target = f"menu:{option.menu}" if option.menu else f"desk:{option.desk}"
            # TRANSLATORS: an option in the menus picture: the key to press and its topic.
            label = tr("%(key)s: %(label)s", key=option.key, label=words(option.label))
            if option.says:
                # TRANSLATORS: in the menus picture, the words callers may say for an option.
                label += "\\n" + tr("or say: %(words)s", words=says_text(option.says))
            out.append(f'  "menu:{menu.id}" -> "{target}" [label="{_quote(label)}"];')
    for desk in routes.desks.values():
        contact = desk.phone.written if desk.phone else desk.email.address if desk.email else ""
        hours = written_hours(desk.hours) if desk.hours and desk.hours.known else (
            desk.hours.varies if desk.hours else "")
        label = "\\n".join(_quote(part) for part in (desk.name, contact, hours) if part)
        out.append(f'  "desk:{desk.id}" [shape=note, style=filled, fillcolor="#fff8e1", label="{label}"];')
    out.append("}")
    return "\n".join(out)


def svg(routes: Routes, written_hours) -> str | None:
    """The drawing as SVG, None without Graphviz."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    done = subprocess.run([dot, "-Tsvg"], input=dot_source(routes, written_hours), capture_output=True,
                          text=True, timeout=30, check=True)
    return done.stdout
