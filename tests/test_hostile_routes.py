"""Hostile or mistaken routes files are refused quickly, with file and line, by `ivr check` and the loader alike."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROUTES
from hostile import RECURSIVE_ALIAS, alias_bomb  # the same hostile files the load test (loadtest/hostile.py) publishes

from ivr.routesfile import loader as routes_module
from ivr.routesfile.flows import offline_flow
from ivr.routesfile.loader import RoutesError, load_routes, parse_routes
from ivr.routesfile.says import SAY_URL_ENCODED, oversized_says
from ivr.routesfile.reader import MAX_BYTES

CHECK_BOUND = 20  # seconds before a hung `ivr check` is killed; the target (2 s) is measured in loadtest/hostile.py


def hostile_files(directory: Path) -> dict[str, tuple[Path, int]]:
    """Each hostile file, written into `directory`, with the line its refusal must name."""
    files = {
        "alias_bomb": (alias_bomb(), 1),
        "recursive_alias": (RECURSIVE_ALIAS, 2),
        "deep_nesting": ("version: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n", 2),
        "many_values": ("version: 1\nx:\n" + "  - a\n" * 50_000, None),
    }
    written = {}
    for name, (text, line) in files.items():
        path = directory / f"{name}.yaml"
        path.write_text(text, "utf-8")
        written[name] = (path, line)
    big = directory / "big.yaml"
    with open(big, "wb") as handle:  # 50 MB of comments, then the shipped file
        chunk = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            handle.write(chunk)
        handle.write(ROUTES.read_bytes())
    written["fifty_megabytes"] = (big, 1)
    return written


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    return hostile_files(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("name", ["alias_bomb", "recursive_alias", "deep_nesting", "many_values",
                                  "fifty_megabytes"])
def test_the_loader_refuses_each_hostile_file_naming_file_and_line(hostile, name):
    path, line = hostile[name]
    with pytest.raises(RoutesError) as caught:
        load_routes(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    if line is not None:
        assert problem.line == line, str(problem)
    assert str(problem).startswith(f"{path}:{problem.line}: ")


def test_many_values_are_refused_at_the_value_over_the_limit(hostile):
    path, _ = hostile["many_values"]
    with pytest.raises(RoutesError) as caught:
        load_routes(path)
    problem = caught.value.problems[0]
    # before the first item: the top mapping, version, 1, x and the list; items start on line 3
    assert problem.line == 3 + 5_001 - 6, str(problem)
    assert problem.path == ("x", 5_001 - 6)
    assert "more than 5,000" in problem.message


@pytest.mark.parametrize("name", ["alias_bomb", "recursive_alias", "fifty_megabytes"])
def test_ivr_check_ends_with_exit_1_naming_file_and_line(hostile, name):
    path, line = hostile[name]
    env = dict(os.environ)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ivr", "check", str(path)], capture_output=True,
                          text=True, timeout=CHECK_BOUND, env=env)
    assert time.monotonic() - started < CHECK_BOUND
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"{path}:{line}: "), done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_just_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "routes.yaml"
    text = ROUTES.read_text("utf-8")
    path.write_text(text + "#" * (MAX_BYTES - len(text.encode("utf-8")) + 1), "utf-8")
    with pytest.raises(RoutesError, match=r"1,048,577 bytes; a routes file may be at most 1,048,576"):
        load_routes(path)
    path.write_text(text + "#" * (MAX_BYTES - len(text.encode("utf-8"))), "utf-8")
    assert load_routes(path).desks


def test_text_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "routes.yaml"
    path.write_bytes(b"version: 1\nline:\n  greeting: \xff\xfe\n")
    with pytest.raises(RoutesError, match=r"routes.yaml:3: cannot be read: not UTF-8"):
        load_routes(path)


def test_ivr_check_refuses_a_fifo_a_device_or_a_directory_without_waiting(tmp_path):
    """Something that would block on open or read is refused before it is read; a link to a
    regular file (how Kubernetes mounts a ConfigMap) is read as the file."""
    fifo, directory, link = tmp_path / "fifo.yaml", tmp_path / "dir.yaml", tmp_path / "link.yaml"
    os.mkfifo(fifo)
    directory.mkdir()
    link.symlink_to(ROUTES)
    for path, kind in ((fifo, "a FIFO"), (Path("/dev/zero"), "a character device")):
        done = subprocess.run([sys.executable, "-m", "ivr", "check", str(path)], capture_output=True,
                              text=True, timeout=CHECK_BOUND)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"{path}:1: is not a regular file but {kind}"), done.stderr
    with pytest.raises(RoutesError, match=r"dir.yaml:1: is not a regular file but a directory"):
        load_routes(directory)
    assert load_routes(link).desks


def test_a_read_over_its_time_limit_is_refused(tmp_path):
    with pytest.raises(RoutesError, match=r"routes.yaml:1: took more than 0 s to read"):
        routes_module.read_routes_text(ROUTES, limit=0)
    assert routes_module.read_routes_text(ROUTES) == ROUTES.read_text("utf-8")


def test_any_error_while_loading_is_a_refusal_with_the_file(monkeypatch):
    def overflow(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(routes_module, "build", overflow)
    with pytest.raises(RoutesError) as caught:
        parse_routes(ROUTES.read_text("utf-8"), "routes.yaml")
    assert str(caught.value).startswith("routes.yaml:1: cannot be loaded: RecursionError")


def test_the_shipped_file_has_no_say_near_twilios_limits(flow, clock):
    assert oversized_says(flow, [clock.now], share=0.9) == []


def test_an_answer_too_long_for_one_say_is_refused_naming_its_option(tmp_path):
    text = ROUTES.read_text("utf-8")
    marker = "      - そのメールを転送するか"
    assert marker in text, "the antiphishing desk has notes"
    long_note = "      - " + "ご確認ください。" * 70 + "\n"
    path = tmp_path / "routes.yaml"
    path.write_text(text.replace(marker, long_note + marker, 1), "utf-8")
    with pytest.raises(RoutesError) as caught:
        offline_flow(path)
    problem = caught.value.problems[0]
    assert problem.path == ("menus", "scam", "options", "1")
    assert f"Twilio warns over {SAY_URL_ENCODED:,}" in problem.message
    lines = path.read_text("utf-8").splitlines()
    scam = lines.index("  scam:")
    option_line = next(i for i, t in enumerate(lines[scam:], scam + 1) if t.startswith('      "1":'))
    assert problem.line == option_line


@pytest.mark.parametrize("extra, where, message", [
    ("      - ご確認ください。\n" * 21, ("desks", "antiphishing", "notes"), "has 23 items; at most 20"),
    ("      - " + "あ" * 300_000 + "\n", ("desks", "antiphishing", "notes", 0), "is 300,000 characters long"),
])
def test_a_desk_cannot_grow_without_limit(tmp_path, extra, where, message):
    text = ROUTES.read_text("utf-8")
    marker = "      - そのメールを転送するか"
    path = tmp_path / "routes.yaml"
    path.write_text(text.replace(marker, extra + marker, 1), "utf-8")
    with pytest.raises(RoutesError) as caught:
        load_routes(path)
    problem = caught.value.problems[0]
    assert (problem.path, message in problem.message) == (where, True), str(problem)
