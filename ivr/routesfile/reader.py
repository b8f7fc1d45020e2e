"""Read YAML into plain data while remembering the line of every key path."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path = tuple[str | int, ...]
STR_TAG = "tag:yaml.org,2002:str"


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


def read_yaml(text: str, file: str) -> Document:
    """Parse YAML text; syntax errors and duplicate or non-text keys become problems."""
    doc = Document(file, None)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
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
    doc.data = _convert(root, (), doc)
    return doc


def _convert(node: yaml.Node, path: Path, doc: Document) -> object:
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
            out[key] = _convert(value_node, child, doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc) for i, item in enumerate(node.value)]
    if node.tag == STR_TAG:
        return node.value
    return _SCALARS.construct_object(node, deep=True)


_SCALARS = yaml.SafeLoader("")
