"""The operators' commands on a routes.yaml with a calendar: check, tree, call, preview, diff."""

from __future__ import annotations

from pathlib import Path

from ivr.command import main

VALID = Path(__file__).parent / "routes_errors" / "valid.yaml"
NOTICE = "宅配業者を名乗る偽のショートメッセージにご注意ください。"


def written(tmp_path: Path, extra: str, base: Path = VALID, name: str = "routes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(base.read_text("utf-8") + extra, "utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in t)


DATED = f"""calendar:
  - date: "2026-11-20"
    closed: [center]
  - dates: ["2026-11-30", "2026-12-08"]
    closed: [center]
    say: 本日は臨時休業とさせていただいております。
  - date: "2026-12-03"
    open: {{center: ["10:00-11:00"]}}
announcements:
  - from: "2026-11-01"
    until: "2026-11-15"
    say: 先月のお知らせです。
    where: greeting
  - from: "2026-12-01"
    until: "2026-12-15"
    say: {NOTICE}
    where: [center]
"""


def test_check_warns_about_entries_wholly_in_the_past(runner, tmp_path):
    path = written(tmp_path, DATED)
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert result.exit_code == 0, result.output
    past = line_of(path, '- date: "2026-11-20"')
    assert f"{path}:{past}: warning: calendar[0]: every date of this entry is past" in result.output
    ended = line_of(path, '- from: "2026-11-01"')
    assert f"{path}:{ended}: warning: announcements[0]: this announcement ended on 2026-11-15" in result.output
    assert "calendar[1]" not in result.output  # one of its dates is still ahead
    assert "2 warning(s)" in result.output
    later = runner.invoke(main, ["check", "--strict", str(path), "--at", "2026-12-16 09:00"])
    assert later.exit_code == 1 and "5 warning(s)" in later.output


def test_check_warns_about_an_announcement_too_long_to_hear(runner, tmp_path):
    long = "、".join(["宅配業者や銀行や携帯電話会社を名乗る偽のショートメッセージやメールが増えています"] * 3) + "。"
    path = written(tmp_path, DATED.replace(NOTICE, long))
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert result.exit_code == 0
    say = line_of(path, long[:10])
    assert f"{path}:{say}: warning: announcements[1].say: takes " in result.output
    assert "(limit 10 s) before those answers; shorten it" in result.output
    short = runner.invoke(main, ["check", str(written(tmp_path, DATED, name="b.yaml")),
                                 "--at", "2026-12-01 10:00"])
    assert "announcements[1].say" not in short.output


def test_paths_an_announcement_makes_too_long_are_one_warning_under_it(runner, tmp_path):
    """A long greeting announcement lengthens every path: one warning, at the announcement, not
    one on every menu option the operator never touched."""
    long = "、".join(["宅配業者や銀行や携帯電話会社を名乗る偽のショートメッセージやメールが増えています"] * 2) + "。"
    path = written(tmp_path, DATED.replace("say: 先月のお知らせです。", f"say: {long}"))
    result = runner.invoke(main, ["check", str(path), "--at", "2026-11-05 10:00"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "before the number" in line or "paths take longer" in line]
    assert len(said) == 1, result.output
    say = line_of(path, long[:10])
    assert said[0].startswith(f"{path}:{say}: warning: announcements[0].say: with the announcements said that day, ")
    assert "; the longest, " in said[0]
    quiet = runner.invoke(main, ["check", str(path), "--at", "2026-12-20 10:00"])  # no announcement then
    assert "paths take longer" not in quiet.output and "before the number" not in quiet.output


LONG_NOTICE = ("宅配業者や銀行を名乗る偽のショートメッセージが増えています。リンクは開かず、"
               "公式のアプリやサイトでご確認ください。") * 10  # Twilio's <Say> holds about 500 such characters


def too_long(output: str) -> list[str]:
    return [line for line in output.splitlines() if "too long for one <Say>" in line]


def test_check_names_the_announcement_that_makes_an_answer_too_long(runner, tmp_path):
    path = written(tmp_path, DATED + f"""  - from: "2026-12-08"
    until: "2026-12-08"
    say: {LONG_NOTICE}
    where: [center]
""")
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert result.exit_code == 1, result.output
    say = line_of(path, LONG_NOTICE[:20])
    (error,) = too_long(result.output)  # not the closure's short sentence, said that day too
    assert error.startswith(f"{path}:{say}: announcements[2].say: said on 2026-12-08 in the answer "
                            'at menus.top.options."1", it makes what callers hear there too long')
    assert "URL-encoded (Twilio warns over 4,500); shorten it" in error
    option = line_of(path, "label: 広告のメール")
    assert f"{path}:{option}:" not in result.output


def test_check_names_the_announcement_that_makes_the_greeting_too_long(runner, tmp_path):
    path = written(tmp_path, DATED + f"""  - from: "2026-12-20"
    until: "2026-12-24"
    say: {LONG_NOTICE}
    where: greeting
""")
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert result.exit_code == 1, result.output
    (error,) = too_long(result.output)
    assert error.startswith(f"{path}:{line_of(path, LONG_NOTICE[:20])}: announcements[2].say: "
                            "said on 2026-12-20 after the greeting, it makes what callers hear there")


def test_an_answer_too_long_without_its_announcements_is_named_at_its_option(runner, tmp_path):
    base = tmp_path / "long.yaml"
    base.write_text(VALID.read_text("utf-8").replace(
        "    in_scope: true\n", f"    in_scope: true\n    notes: [{LONG_NOTICE}]\n", 1), "utf-8")
    path = written(tmp_path, DATED, base=base)
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert result.exit_code == 1, result.output
    (error,) = too_long(result.output)
    assert error.startswith(f'{path}:{line_of(path, "label: 広告のメール")}: menus.top.options."1": '
                            "what callers hear here is too long")


def test_tree_lists_the_upcoming_dated_entries(runner, tmp_path):
    path = written(tmp_path, DATED)
    result = runner.invoke(main, ["tree", str(path), "--at", "2026-12-01 09:00"])
    assert result.exit_code == 0
    tail = result.output.split("dated entries from 2026-12-01:\n", 1)[1].splitlines()
    assert tail == [
        "  calendar 2026-12-08: closed center — 本日は臨時休業とさせていただいております。",
        "  calendar 2026-12-03: center 10:00-11:00",
        f"  announcement 2026-12-01 to 2026-12-15, before center: {NOTICE}",
    ]
    plain_tree = runner.invoke(main, ["tree", str(VALID)])
    assert "dated entries" not in plain_tree.output


def test_call_at_a_closure_day_hears_it_and_is_not_put_through(runner, tmp_path):
    path = written(tmp_path, DATED)
    result = runner.invoke(main, ["call", "--routes", str(path), "--at", "2026-12-08 10:30",
                                  "--keys", "1,1"])
    assert result.exit_code == 0, result.output
    assert "本日は臨時休業とさせていただいております。" in result.output
    assert NOTICE in result.output  # the center's announcement, 1 to 15 December
    assert "次の受付は、12月9日水曜日の午前10時からです。" in result.output
    assert "DIAL" not in result.output
    open_day = runner.invoke(main, ["call", "--routes", str(path), "--at", "2026-12-09 10:30",
                                    "--keys", "1,1"])
    assert "DIAL" in open_day.output


def test_call_from_a_mobile_on_a_closure_day_prints_a_text_that_says_so(runner, tmp_path):
    path = written(tmp_path, DATED)
    result = runner.invoke(main, ["call", "--routes", str(path), "--at", "2026-12-08 10:30",
                                  "--from", "+819012345678", "--keys", "1,1,2"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    body = lines[lines.index("SMS      to +819012345678:") + 1:]
    assert body[3:6] == ["12月8日（火）はお休みです。", "次の受付：12月9日（水）10:00から",
                         "通常の受付：平日 10:00〜12:00、13:00〜17:00（祝日、年末年始を除く）"]


def test_preview_at_a_day_lists_and_times_its_announcements(runner, tmp_path):
    path = written(tmp_path, DATED)
    during = runner.invoke(main, ["preview", str(path), "--at", "2026-12-08 10:30"])
    after = runner.invoke(main, ["preview", str(path), "--at", "2026-12-16 10:30"])
    assert during.exit_code == after.exit_code == 0
    assert f"on 2026-12-08: announcement 2026-12-01 to 2026-12-15, before center: {NOTICE}" in during.output
    assert "on 2026-12-08: calendar 2026-12-08: closed center" in during.output
    assert "on 2026-12-16" not in after.output

    def quick(output: str, keys: str) -> float:
        row = next(line for line in output.splitlines() if line.startswith(keys + " "))
        return float(row.split()[2].rstrip("s"))

    assert quick(during.output, "1") > quick(after.output, "1") + 1.5
    assert quick(during.output, "2-1") == quick(after.output, "2-1")


def test_diff_shows_dated_entries_and_the_day_they_change(runner, tmp_path):
    old = written(tmp_path, "", name="old.yaml")
    new = written(tmp_path, DATED, name="new.yaml")
    result = runner.invoke(main, ["diff", str(old), str(new), "--at", "2026-12-08 10:30"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "calendar: changed" in lines
    assert "    + calendar 2026-11-30, 2026-12-08: closed center — 本日は臨時休業とさせていただいております。" in lines
    assert f"    + announcement 2026-12-01 to 2026-12-15, before center: {NOTICE}" in lines
    assert "1: changed (center)" in lines  # the center's answer that day
    assert any(line.startswith("    + ") and NOTICE in line for line in lines)
    same_day = runner.invoke(main, ["diff", str(new), str(new), "--at", "2026-12-08 10:30"])
    assert same_day.exit_code == 0


def test_without_open_jtalk_a_long_announcement_is_caught_by_the_mora_estimate(runner, tmp_path,
                                                                                monkeypatch):
    import ivr.operators.preview

    monkeypatch.setattr(ivr.operators.preview, "open_jtalk", lambda: None)
    long = "、".join(["宅配業者や銀行や携帯電話会社を名乗る偽のショートメッセージやメールが増えています"] * 3) + "。"
    path = written(tmp_path, DATED.replace(NOTICE, long))
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"])
    assert "speech timed by a mora-count estimate" in result.output
    assert "warning: announcements[1].say: takes " in result.output
    short = runner.invoke(main, ["check", str(written(tmp_path, DATED, name="b.yaml")),
                                 "--at", "2026-12-01 10:00"])
    assert "announcements[1].say" not in short.output


# -- in Japanese -----------------------------------------------------------------------------------

JA = {"LANG": "ja_JP.UTF-8"}


def test_check_warns_in_japanese_about_past_entries_and_long_announcements(runner, tmp_path):
    long = "、".join(["宅配業者や銀行や携帯電話会社を名乗る偽のショートメッセージやメールが増えています"] * 3) + "。"
    path = written(tmp_path, DATED.replace(NOTICE, long))
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"], env=JA)
    assert result.exit_code == 0, result.output
    past = line_of(path, '- date: "2026-11-20"')
    assert (f"{path}:{past}: 注意: calendar[0]（1番目の予定）: この予定の日付はすべて過ぎています"
            "（最後は2026年11月20日（金））。消してください。") in result.output
    ended = line_of(path, '- from: "2026-11-01"')
    assert (f"{path}:{ended}: 注意: announcements[0]（1番目のお知らせ）: "
            "このお知らせは2026年11月15日（日）で終わっています。消してください。") in result.output
    say = line_of(path, long[:10])
    assert f"{path}:{say}: 注意: announcements[1].say（2番目のお知らせの読み上げる文）: 読み上げに" in result.output
    assert "秒かかります（目安は10秒まで）。その窓口の案内の前に流れるので、短くしてください。" in result.output
    assert "注意は4件です。" in result.output  # the long announcement also delays the number at key 1
    assert "warning" not in result.output and "delete it" not in result.output


def test_check_names_the_announcement_that_makes_an_answer_too_long_in_japanese(runner, tmp_path):
    path = written(tmp_path, DATED + f"""  - from: "2026-12-08"
    until: "2026-12-08"
    say: {LONG_NOTICE}
    where: [center]
""")
    result = runner.invoke(main, ["check", str(path), "--at", "2026-12-01 10:00"], env=JA)
    assert result.exit_code == 1, result.output
    (error,) = [line for line in result.output.splitlines() if "長すぎます" in line]
    assert error.startswith(f"{path}:{line_of(path, LONG_NOTICE[:20])}: announcements[2].say（3番目のお知らせの"
                            '読み上げる文）: 2026年12月8日（火）に menus.top.options."1" の案内で読み上げると、'
                            "そこで聞こえる内容が1回の読み上げ（Twilio の <Say>）には長すぎます：")
    assert error.endswith("（Twilio は4,500文字を超えると警告します）。この文を短くしてください。")


def test_preview_and_tree_in_japanese_say_the_day_s_calendar(runner, tmp_path):
    path = written(tmp_path, DATED)
    tree = runner.invoke(main, ["tree", str(path), "--at", "2026-12-01 10:00"], env=JA)
    assert "  予定 2026年12月3日（木）：迷惑メール相談センターは10:00〜11:00のみ受付" in tree.output.splitlines()
    assert ("  お知らせ 2026年12月1日（火）〜2026年12月15日（火）、迷惑メール相談センターの案内の前：" + NOTICE
            in tree.output.splitlines())
