"""Read YAML into plain data while remembering the line of every key path.

An operator's file is untrusted input: before anything is built from it, its size, its nesting
and its number of values are bounded, and anchors and aliases (&name, *name) are refused, so no
file can make loading take long or grow without limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path = tuple[str | int, ...]
STR_TAG = "tag:yaml.org,2002:str"
MAX_BYTES = 1024 * 1024  # a Kubernetes ConfigMap holds 1 MiB; the shipped routes.yaml is about 10 KB
MAX_DEPTH = 12  # lists and mappings inside each other; routes.yaml needs 6
MAX_VALUES = 5_000  # keys, values and list items; routes.yaml has about 500
# libyaml's parser when PyYAML has it (it keeps its own stack, so deep nesting cannot overflow ours).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an operator's file, where it is and what would be valid."""

    file: str
    line: int
    path: Path
    message: str

    def __str__(self) -> str:
        where = format_path(self.path)
        return f"{self.file}:{self.line}: {where}: {self.message}" if where else (
            f"{self.file}:{self.line}: {self.message}"
        )


def format_path(path: Path) -> str:
    """A key path as an operator reads it: menus.top.options."3".desk."""
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(("." if parts else "") + part)
        else:
            parts.append(("." if parts else "") + f'"{part}"')
    return "".join(parts)


@dataclass
class Document:
    """Plain data from a YAML file, with the line of each key path (1-based)."""

    file: str
    data: object
    lines: dict[Path, int] = field(default_factory=dict)
    quoted: set[Path] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """The line of a key path, or of its nearest ancestor the file has."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path: Path, message: str) -> Problem:
        """Record a problem at a key path."""
        found = Problem(self.file, self.line(path), tuple(path), message)
        self.problems.append(found)
        return found


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def too_large(size: int) -> str:
    """Why a file of `size` bytes is refused."""
    return (f"the file is {size:,} bytes; a routes file may be at most {MAX_BYTES:,} bytes (1 MiB)")


def _screen(text: str, file: str) -> None:
    """Read the file's events once, refusing anchors, aliases, deep nesting and too many values.

    Raises _Refused with the line and key path of the first offence.
    """
    frames: list[list] = []  # per open collection: [path, is_mapping, expecting_key, key, index]
    values = 0
    for event in yaml.parse(text, Loader=LOADER):
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                frames.pop()
            continue
        values += 1
        path: Path = ()
        key_node = False
        if frames:
            top = frames[-1]
            if top[1] and top[2]:
                key_node = True
                path = top[0]
                top[2] = False
                top[3] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            elif top[1]:
                path = (*top[0], top[3])
                top[2] = True
            else:
                path = (*top[0], top[4])
                top[4] += 1
        line = event.start_mark.line + 1

        def refuse(message: str) -> None:
            raise _Refused(Problem(file, line, path, message))

        if isinstance(event, yaml.AliasEvent):
            refuse(f"an alias (*{event.anchor}) repeats another part of the file; anchors and "
                   "aliases are not allowed in routes.yaml: write the value out in full")
        if event.anchor is not None:
            refuse(f"an anchor (&{event.anchor}) names a part of the file for aliases; anchors and "
                   "aliases are not allowed in routes.yaml: write the value out in full")
        if key_node and not isinstance(event, yaml.ScalarEvent):
            refuse("a key must be text, not a list or a mapping")
        if values > MAX_VALUES:
            refuse(f"more than {MAX_VALUES:,} keys and values; routes.yaml needs far fewer")
        if isinstance(event, yaml.CollectionStartEvent):
            if len(frames) >= MAX_DEPTH:
                refuse(f"lists and mappings are nested more than {MAX_DEPTH} deep")
            frames.append([path, isinstance(event, yaml.MappingStartEvent), True, None, 0])


def read_yaml(text: str, file: str) -> Document:
    """Parse YAML text; syntax errors, duplicate or non-text keys and unsafe files become problems."""
    doc = Document(file, None)
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        doc.problems.append(Problem(file, 1, (), too_large(len(text.encode("utf-8")))))
        return doc
    try:
        _screen(text, file)
        root = yaml.compose(text, Loader=LOADER)
    except _Refused as refused:
        doc.problems.append(refused.problem)
        return doc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context_mark", None)
        if context is not None and context.line + 1 != line:
            reason += f" (in what starts on line {context.line + 1})"
        doc.problems.append(Problem(file, line, (), f"not valid YAML: {reason}"))
        return doc
    if root is None:
        doc.problems.append(Problem(file, 1, (), "the file is empty"))
        return doc
    # Scalars other than text (numbers, true/false) are built by a constructor of this call's own.
    doc.data = _convert(root, (), doc, yaml.SafeLoader(""))
    return doc


def _convert(node: yaml.Node, path: Path, doc: Document, scalars: yaml.SafeLoader) -> object:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR_TAG:
                shown = getattr(key_node, "value", "?")
                doc.problems.append(Problem(
                    doc.file, line, (*path, str(shown)),
                    f"key {shown} must be text: write it in quotes, \"{shown}\":",
                ))
                continue
            key = key_node.value
            child = (*path, key)
            if key in out:
                doc.problems.append(Problem(
                    doc.file, line, child,
                    f"key '{key}' is used twice (first on line {doc.lines[child]})",
                ))
                continue
            doc.lines[child] = line
            if key_node.style in ("'", '"'):
                doc.quoted.add(child)
            out[key] = _convert(value_node, child, doc, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, scalars) for i, item in enumerate(node.value)]
    if node.tag == STR_TAG:
        return node.value
    return scalars.construct_object(node, deep=True)
