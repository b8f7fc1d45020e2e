"""The documentation: a short README front page, and the docs/ site that builds strictly."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from helpers import ROOT

README = ROOT / "README.md"
MAX_FRONT_PAGE = 12_000  # characters: what it is, the two commands, a picture, links


def test_the_readme_is_a_short_front_page():
    text = README.read_text(encoding="utf-8")
    assert len(text) <= MAX_FRONT_PAGE, f"README.md has {len(text)} characters; move details to docs/"
    first = text.splitlines()[:6]
    assert any("ivr call" in line for line in first), "the command that starts the line comes first"
    assert any("pytest" in line for line in first), "the command that runs the tests comes first"


def test_every_page_the_readme_links_exists():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    assert links, "the README links the docs"
    assert [link for link in links if not (ROOT / link).is_file()] == []


def test_the_docs_build_strictly(tmp_path):
    """mkdocs build --strict: every page in the nav, no broken link or anchor, into tmp_path."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site),
                             "--config-file", str(ROOT / "mkdocs.yml")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "index.html").is_file()
    pages = {p.stem for p in (ROOT / "docs").glob("*.md")}
    built = {p.parent.name for p in site.glob("*/index.html")}
    assert pages - {"index"} <= built, f"pages left out of the site: {sorted(pages - {'index'} - built)}"
    shutil.rmtree(site)


def test_the_operators_guide_shows_the_error_check_prints_for_its_example(runner, tmp_path, monkeypatch):
    """docs/operators.md's example error (billing's option 2 sent to 'ipa_' in the shipped file) is
    what `ivr check` prints for it today, line number included, in Japanese and in English."""
    from ivr.operators.cli import main

    guide = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    examples = [line.strip() for line in guide.splitlines() if line.startswith("    routes.yaml:")]
    assert len(examples) == 2, examples
    shipped = (ROOT / "routes.yaml").read_text(encoding="utf-8")
    (tmp_path / "routes.yaml").write_text(shipped.replace("        desk: ipa\n", "        desk: ipa_\n", 1),
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for example, env in zip(examples, [{"LANG": "ja_JP.UTF-8"}, {"LANG": "C"}]):
        result = runner.invoke(main, ["check", "routes.yaml"], env=env)
        assert result.exit_code == 1
        shown = example.removesuffix("…")  # the guide cuts the list of desks short
        assert any(line.startswith(shown) for line in result.output.splitlines()), (example, result.output)
