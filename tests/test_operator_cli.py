"""The operators' commands on good and bad files: check, tree, preview, diff."""

from __future__ import annotations

import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ROUTES

from ivr.command import main
from ivr.operators.preview import open_jtalk

VALID = Path(__file__).parent / "routes_errors" / "valid.yaml"


def variant(tmp_path: Path, *edits: tuple[str, str], base: Path = VALID) -> Path:
    text = base.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "routes.yaml"
    path.write_text(text, "utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in t)


def test_check_shipped_file_warns_about_the_long_top_menu_but_passes(runner):
    result = runner.invoke(main, ["check", str(ROUTES), "--at", "2026-12-01 10:30"])
    assert result.exit_code == 0
    top = ROUTES.read_text("utf-8").splitlines().index("  top:") + 2  # its options: line
    assert f"{ROUTES}:{top}: warning: menus.top.options: 6 options: callers remember at most 5" in result.output
    assert "1 warning(s)" in result.output
    strict = runner.invoke(main, ["check", "--strict", str(ROUTES)])
    assert strict.exit_code == 1


def test_check_clean_file_has_no_warnings(runner):
    result = runner.invoke(main, ["check", "--strict", str(VALID)])
    assert result.exit_code == 0
    assert "0 warning(s)" in result.output


def test_check_warns_about_a_desk_deeper_than_three_presses(runner, tmp_path):
    path = variant(tmp_path, ('      "1": {label: 架空請求, desk: hotline}',
                              '      "1": {label: 架空請求, menu: deeper}\n'
                              '  deeper:\n    options:\n      "1": {label: さらに, menu: deepest}\n'
                              '  deepest:\n    options:\n      "1": {label: 最後, desk: hotline}'))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert f"{path}:{line_of(path, '  hotline:')}: warning: desks.hotline: desk 'hotline' is 4 key presses deep" in result.output


def test_check_warns_about_a_desk_nobody_reaches(runner, tmp_path):
    path = variant(tmp_path, ("menus:\n", "  spare:\n    name: 予備の窓口\n    about: 予備です。\nmenus:\n"))
    result = runner.invoke(main, ["check", "--strict", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{line_of(path, '  spare:')}: warning: desks.spare: no menu leads to desk 'spare'" in result.output


def test_check_warns_about_an_email_reading_left_from_an_earlier_address(runner, tmp_path):
    """The shipped address's reading passes; changed to .or.jp, the reading says one dot too few."""
    path = variant(tmp_path, ("email: info@antiphishing.jp", "email: info@antiphishing.or.jp"), base=ROUTES)
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:30"])
    assert result.exit_code == 0
    assert (f"{path}:{line_of(path, 'email_reading:')}: warning: desks.antiphishing.email_reading: reads @ 1 "
            "times and . 1 times, but info@antiphishing.or.jp has 1 @ and 2 .") in result.output
    assert "email_reading" not in runner.invoke(main, ["check", str(ROUTES), "--at", "2026-12-01 10:30"]).output


def test_check_warns_about_a_label_that_ends_in_a_verb(runner, tmp_path):
    path = variant(tmp_path, ("{label: 架空請求, desk: hotline}", "{label: 画面の請求が消えない, desk: hotline}"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert (f"{path}:{line_of(path, '画面の請求が消えない')}: warning: menus.billing.options.\"1\".label: "
            "'画面の請求が消えない' ends in a verb or adjective, so callers hear '画面の請求が消えないは1、'; "
            "reword it to end in a noun") in result.output
    fixed = variant(tmp_path, ("{label: 架空請求, desk: hotline}", "{label: 画面の請求が消えないとき, desk: hotline}"))
    assert "0 warning(s)" in runner.invoke(main, ["check", str(fixed)]).output


def test_check_warns_about_a_path_too_long_to_hear(runner, tmp_path):
    long_label = "、".join(["とても長い説明の付いた選択肢"] * 12)
    path = variant(tmp_path, ("{label: 広告のメール, desk: center}", f"{{label: {long_label}, desk: center}}"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "warning: menus.top.options.\"1\": a caller who presses 1 at once hears" in result.output


def test_check_errors_exit_1_and_usage_errors_exit_2(runner, tmp_path):
    path = variant(tmp_path, ('phone: "188"', 'phone: "1888"'))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{line_of(path, '1888')}: desks.hotline.phone:" in result.output
    assert runner.invoke(main, ["check", "--bogus"]).exit_code == 2


def test_tree_text_shows_every_key_and_desk(runner):
    result = runner.invoke(main, ["tree", str(ROUTES)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "top: 迷惑メール相談のご案内です。"
    assert "├─ 4 広告メール → 迷惑メール相談センター 03-5974-0068 (mon-fri 10:00-12:00 13:00-17:00, " \
           "closed holidays & year_end; transfer; in scope)" in lines
    assert "│  └─ 3 ネット通販などの契約 → 日本産業協会の相談室 03-3256-3344 (mon-fri 12:30-16:00, " \
           "closed holidays & year_end)" in lines
    assert "└─ 6 わからないとき → 消費者ホットライン 188 (hours vary)" in lines


def test_tree_shows_the_question_for_unclear_words_and_where_its_answers_lead(runner):
    lines = runner.invoke(main, ["tree", str(ROUTES)]).output.splitlines()
    assert ("unclear words (メール, 変なメール, 怪しいメール, 不審なメール, おかしなメール, 知らないメール, "
            "メールが来た, メールが届いた, 見覚えのないメール, 怪しいのが来る, 怪しいのが届く, 変なのが来る, "
            "変なのが届く, 迷惑メール): asks お金を請求されていますか。"
            "それとも、広告のメールですか。") in lines
    assert "   1 身に覚えのない請求 (billing/1) → 消費者ホットライン 188 (hours vary)" in lines
    assert any(line.startswith("   2 広告メール (top/4) → 迷惑メール相談センター 03-5974-0068") for line in lines)


def test_tree_without_unclear_words_shows_no_question(runner, tmp_path):
    text = ROUTES.read_text("utf-8")
    start = text.index("\nunclear:\n")
    plain_file = tmp_path / "routes.yaml"
    plain_file.write_text(text[:start] + text[text.index("\n\n", start + 1):], "utf-8")
    result = runner.invoke(main, ["tree", str(plain_file)])
    assert result.exit_code == 0 and "unclear words" not in result.output


def test_diff_shows_a_changed_question_for_unclear_words(runner, tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(ROUTES.read_text("utf-8").replace(
        "ask: お金を請求されていますか。それとも、広告のメールですか。",
        "ask: 料金の請求ですか。それとも、広告のメールですか。"), "utf-8")
    result = runner.invoke(main, ["diff", str(ROUTES), str(new)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "unclear words: changed"
    assert any(line.startswith("    - unclear words (") and line.endswith("asks お金を請求されていますか。"
                                                                        "それとも、広告のメールですか。") for line in lines)
    assert any(line.startswith("    + unclear words (") and line.endswith("asks 料金の請求ですか。"
                                                                        "それとも、広告のメールですか。") for line in lines)
    # Where the answers lead is the same: not shown again.
    assert not any("身に覚えのない請求 (billing/1)" in line for line in lines)


def test_tree_mermaid_and_dot(runner, routes):
    mermaid = runner.invoke(main, ["tree", str(ROUTES), "--format", "mermaid"]).output
    assert mermaid.startswith("flowchart LR")
    assert 'menu_abuse -- "4 脅しや殺害予告" --> desk_police' in mermaid
    assert 'menu_scam -- "3 お金の被害" --> desk_police' in mermaid
    dot = runner.invoke(main, ["tree", str(ROUTES), "--format", "dot"]).output
    assert dot.startswith("digraph routes {")
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == sum(len(m.options) for m in routes.menus.values())


def test_tree_svg_is_a_picture(runner, tmp_path):
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed")
    out = tmp_path / "routes.svg"
    result = runner.invoke(main, ["tree", str(ROUTES), "--format", "svg", "--out", str(out)])
    assert result.exit_code == 0
    svg = ET.parse(out).getroot()
    assert svg.tag.endswith("svg")
    assert "みんなの人権110番" in "".join(svg.itertext())


def test_diff_shows_what_callers_hear_differently(runner, tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(ROUTES.read_text("utf-8").replace('"03-3256-3344"', '"03-3256-3345"'), "utf-8")
    result = runner.invoke(main, ["diff", str(ROUTES), str(new), "--at", "2026-12-01 10:30"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "1-3: changed (jiaa)"
    assert "    - 番号は、03-3256-3344［ゼロサン、サンニーゴーロク、サンサンヨンヨン］です。" in result.output
    assert "    + 番号は、03-3256-3345［ゼロサン、サンニーゴーロク、サンサンヨンゴー］です。" in result.output
    same = runner.invoke(main, ["diff", str(ROUTES), str(ROUTES)])
    assert same.exit_code == 0 and "callers hear no difference" in same.output


def test_diff_shows_words_callers_say_added_or_taken_away(runner, tmp_path):
    """Words change where callers' words lead, though nothing heard changes."""
    new = tmp_path / "new.yaml"
    new.write_text(ROUTES.read_text("utf-8").replace("says: [フィッシング, ", "says: [フィッシング, 架空請求, ", 1)
                   .replace("不正利用の確認, ", "", 1), "utf-8")
    result = runner.invoke(main, ["diff", str(ROUTES), str(new)])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["words for scam/1: changed", "    - 不正利用の確認", "    + 架空請求"]


def test_diff_names_moved_and_vanished_paths(runner, tmp_path):
    new = tmp_path / "new.yaml"
    text = ROUTES.read_text("utf-8").replace("        label: SNSのトラブル\n        desk: sns\n",
                                             "        label: SNSのトラブル\n        desk: police\n")
    start = text.index('      "6":\n        label: わからないとき\n')
    new.write_text(text[:start] + text[text.index("\n\n  billing:", start) + 1:], "utf-8")
    result = runner.invoke(main, ["diff", str(ROUTES), str(new)])
    assert "5: now leads to police (was sns)" in result.output
    assert "6: removed (led to hotline)" in result.output
    assert "menu top: changed" in result.output


def test_preview_times_every_path(runner):
    if open_jtalk() is None:
        pytest.skip("the speech extra (pyopenjtalk-plus) is not installed")
    result = runner.invoke(main, ["preview", str(ROUTES), "--at", "2026-12-01 10:30"])
    assert result.exit_code == 0
    table = result.output.split("\n\n")[0]
    rows = {line.split()[0]: line.split() for line in table.splitlines()[1:]}
    assert rows["4"][1] == "center"
    assert float(rows["4"][2].rstrip("s")) <= 20.0
    assert all(float(r[2].rstrip("s")) <= 20.0 and float(r[3].rstrip("s")) <= 40.0 for r in rows.values())
    assert "TOO LONG" not in result.output
    assert result.output.rstrip().endswith("timed by Open JTalk")


def test_preview_writes_a_wav_per_path(runner, tmp_path):
    if open_jtalk() is None:
        pytest.skip("the speech extra (pyopenjtalk-plus) is not installed")
    result = runner.invoke(main, ["preview", str(VALID), "--out", str(tmp_path)])
    assert result.exit_code == 0
    files = sorted(p.name for p in tmp_path.glob("*.wav"))
    assert files == ["1_center.wav", "2-1_hotline.wav"]
    with wave.open(str(tmp_path / "1_center.wav")) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert 20 < seconds < 120


ERROR_FILES = sorted(p for p in VALID.parent.glob("*.yaml") if p != VALID)


@pytest.mark.parametrize("path", ERROR_FILES, ids=lambda p: p.stem)
def test_check_reports_each_error_kind_with_its_line(runner, path):
    import re

    line, key_path, message = re.match(r"^# expect: (\d+): (.*?): (.*)$",
                                       path.read_text("utf-8").splitlines()[0]).groups()
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    where = f"{path}:{line}: " + (f"{key_path}: " if key_path else "")
    assert result.output.startswith(where + message.strip()), result.output


def test_without_the_speech_extra_timing_is_estimated(runner, tmp_path, monkeypatch):
    import ivr.operators.preview

    monkeypatch.setattr(ivr.operators.preview, "open_jtalk", lambda: None)
    long_label = "、".join(["とても長い説明の付いた選択肢"] * 12)
    path = variant(tmp_path, ("{label: 広告のメール, desk: center}", f"{{label: {long_label}, desk: center}}"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "speech timed by a mora-count estimate" in result.output
    assert "warning: menus.top.options.\"1\": a caller who presses 1 at once hears" in result.output
    shipped = runner.invoke(main, ["preview", str(ROUTES)])
    assert shipped.output.rstrip().endswith("timed by a mora-count estimate (install the speech extra for Open JTalk)")
    wav = runner.invoke(main, ["preview", str(ROUTES), "--out", str(tmp_path / "wavs")])
    assert wav.exit_code == 1 and "needs the speech extra" in wav.output


# -- in Japanese (LANG=ja_JP.UTF-8); English stays the default -------------------------------------

JA = {"LANG": "ja_JP.UTF-8"}


def test_check_in_japanese_warns_about_the_long_top_menu(runner):
    result = runner.invoke(main, ["check", str(ROUTES), "--at", "2026-12-01 10:30"], env=JA)
    assert result.exit_code == 0
    top = ROUTES.read_text("utf-8").splitlines().index("  top:") + 2
    assert (f"{ROUTES}:{top}: 注意: menus.top.options（メニュー「top」の選択肢）: メニューの選択肢が6つあります。"
            "電話をかけた方が覚えられるのは5つまでです。") in result.output
    assert f"{ROUTES}：エラーはありません（メニュー4個、窓口10か所、識別番号 " in result.output
    assert "注意は1件です。" in result.output


def test_check_in_japanese_says_every_lint_warning_in_japanese(runner, tmp_path):
    long_label = "、".join(["とても長い説明の付いた選択肢"] * 12)
    path = variant(tmp_path, ('      "1": {label: 架空請求, desk: hotline}',
                              '      "1": {label: 架空請求, menu: deeper}\n'
                              '  deeper:\n    options:\n      "1": {label: さらに, menu: deepest}\n'
                              '  deepest:\n    options:\n      "1": {label: 最後, desk: hotline}'),
                   ("menus:\n", "  spare:\n    name: 予備の窓口\n    about: 予備です。\nmenus:\n"),
                   ("{label: 広告のメール, desk: center}", f"{{label: {long_label}, desk: center}}"))
    result = runner.invoke(main, ["check", str(path)], env=JA)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": 注意: " in line]
    assert len(warnings) >= 4, result.output
    said = "\n".join(w.split("）: ", 1)[1] for w in warnings)
    assert "窓口 'hotline' にたどり着くまでキーを4回押す必要があります。3回までにしてください。" in said
    assert "窓口 'spare' に案内するメニューがありません。" in said
    assert "すぐに 1 と押す方でも、番号を聞くまで" in said
    assert "warning" not in result.output and " s " not in said


def test_preview_in_japanese(runner):
    result = runner.invoke(main, ["preview", str(ROUTES), "--at", "2026-12-01 10:30"], env=JA)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["キー", "すぐ押す方", "全部聞く方", "窓口"]
    row = next(line.split() for line in lines if line.startswith("4 "))
    assert row[0] == "4" and row[1].endswith("秒") and row[3] == "迷惑メール相談センター"
    assert any(line.startswith("top/4") and line.endswith("広告メール → 迷惑メール相談センター") for line in lines)
    assert lines[-1] in ("読み上げの長さは Open JTalk で計りました。",
                         "読み上げの長さは、モーラ数（音の数）からの見積もりです（Open JTalk で計るには "
                         "pip install 'meiwaku-ivr[speech]' で音声合成の追加部品を入れてください）。")
    assert "TOO LONG" not in result.output and "desk" not in result.output


def test_preview_says_in_japanese_when_its_wav_files_cannot_be_written(runner, tmp_path):
    if open_jtalk() is None:
        pytest.skip("WAV files need the speech extra (pip install 'meiwaku-ivr[speech]')")
    (tmp_path / "taken").write_text("", "utf-8")
    out = tmp_path / "taken" / "wavs"  # under a file: no folder can be made there
    said = runner.invoke(main, ["preview", str(ROUTES), "--at", "2026-12-01 10:30", "--out", str(out)], env=JA)
    assert said.exit_code == 1 and "Traceback" not in said.output
    assert said.output.splitlines()[-1].startswith(f"エラー：{out}/") and "に書き込めません：" in said.output
    english = runner.invoke(main, ["preview", str(ROUTES), "--at", "2026-12-01 10:30", "--out", str(out)])
    assert english.exit_code == 1 and english.output.splitlines()[-1].startswith(f"Error: cannot write {out}/")


def test_check_warns_about_a_phrase_given_for_two_desks(runner, tmp_path):
    path = variant(tmp_path, ("{label: 広告のメール, desk: center}",
                              "{label: 広告のメール, desk: center, says: [広告メール, 請求のメール]}"),
                   ("{label: 架空請求, desk: hotline}", "{label: 架空請求, desk: hotline, says: [架空請求, 請求のメール]}"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert (f"{path}:{line_of(path, '架空請求, 請求のメール')}: warning: menus.billing.options.\"1\".says[1]: "
            "'請求のメール' is among the says: of both top/1 (desk center) and billing/1 (desk hotline), "
            "so it cannot tell callers' two topics apart: keep it in one of them") in result.output
    japanese = runner.invoke(main, ["check", str(path)], env=JA).output
    assert ("「請求のメール」が top/1（窓口 center）と billing/1（窓口 hotline）の両方の says: にあります。"
            in japanese)
    same_desk = variant(tmp_path, ("{label: 広告のメール, desk: center}",
                                   "{label: 広告のメール, desk: center, says: [広告メール]}"),
                        ('      "2": {label: 料金の請求, menu: billing}',
                         '      "2": {label: 料金の請求, menu: billing}\n      "3": {label: 宣伝, desk: center, '
                         'says: [広告メール]}'))
    assert "is also among" not in runner.invoke(main, ["check", str(same_desk)]).output
