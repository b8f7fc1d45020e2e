"""What operators read, in Japanese: the operators catalog, the checker's errors, the tree, the report.

The commands that time speech under a Japanese locale (check on a valid file, preview) are in
test_operator_cli.py, which runs in one process with the other timing tests.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers import ROUTES
from records_helpers import drained, place_call, record_app

from ivr.core import notices
from ivr.core.notices import (Conjunction, Notice, catalog_path, in_locale, language_of,
                              locale_from_environ, notice, pnotice)
from ivr.command import main
from ivr.operators.tree import render_tree
from ivr.records.report import build, chart_figure, render_csv, render_text
from ivr.routesfile.loader import RoutesError, load_routes, parse_routes
from ivr.routesfile.reader import Problem, format_path

ROOT = Path(__file__).resolve().parent.parent
ERRORS = Path(__file__).parent / "routes_errors"
EXPECT = re.compile(r"^# expect: (\d+): (.*?): (.*)$")
KEYWORDS = {"notice": None, "pnotice": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
JA = {"LANG": "ja_JP.UTF-8"}
# Translations that leave a parameter out on purpose (the system's English reason, or a value
# the sentence does not need).
LEFT_OUT = {("no such file", "cannot be read: %(reason)s"), ("not allowed", "cannot be read: %(reason)s"),
            (None, "%(value)s should be non-empty")}


def extracted():
    found = {}
    for _file, _line, message, comments, context in extract_from_dir(
        ROOT / "ivr", method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        found.setdefault((context, message), []).extend(comments)
    return found


def catalog(path):
    with open(path, "rb") as handle:
        return {(m.context, m.id): m for m in read_po(handle) if m.id}


# -- the catalog -----------------------------------------------------------------------------------

def test_every_operator_message_has_a_translator_comment():
    messages = extracted()
    assert len(messages) > 200
    assert [key for key, comments in messages.items() if not comments] == []


def test_japanese_catalog_translates_every_operator_message_with_its_placeholders():
    japanese = catalog(catalog_path("ja"))
    for key in extracted():
        entry = japanese.get(key)
        assert entry is not None, f"{key} is not in the Japanese operators catalog"
        assert entry.string and not entry.fuzzy, f"{key} is not translated"
        given, said = set(PLACEHOLDER.findall(entry.id)), set(PLACEHOLDER.findall(entry.string))
        assert said <= given, key  # a placeholder the English does not have would fail to render
        assert key in LEFT_OUT or said == given, key


def test_operators_template_matches_the_code():
    template = catalog(ROOT / "prompts" / "operators.pot")
    assert set(template) == set(extracted()), "run pybabel extract for operators (see docs/architecture.md)"


def test_the_operators_and_the_callers_domains_are_apart():
    callers = catalog(ROOT / "prompts" / "messages.pot")
    operators = catalog(ROOT / "prompts" / "operators.pot")
    assert callers and operators and not set(callers) & set(operators)


# -- Notice ----------------------------------------------------------------------------------------

def test_a_notice_is_its_english_and_renders_whole_sentences_in_japanese():
    message = notice("%(count)s options: callers remember at most %(most)s; "
                     "consider moving some into a submenu", count=6, most=5)
    assert isinstance(message, str)
    assert message == "6 options: callers remember at most 5; consider moving some into a submenu"
    assert message.render("en") == message.render("C") == message.render(None) == message
    assert message.render("ja").startswith("メニューの選択肢が6つあります。電話をかけた方が覚えられるのは5つまでです。")
    assert message.render("ja_JP.UTF-8") == message.render("ja-JP") == message.render("ja")
    assert message.render("fr_FR.UTF-8") == message  # no catalog: English
    assert pickle.loads(pickle.dumps(message)).render("ja") == message.render("ja")


def test_parameters_are_said_in_the_locale():
    day = notice("this announcement ended on %(last)s; delete it", last=date(2026, 12, 8))
    assert day == "this announcement ended on 2026-12-08; delete it"
    assert "2026年12月8日（火）" in day.render("ja")
    known = notice("unknown desk '%(desk)s'; known: %(known)s", desk="ipa_", known=["center", "hotline"])
    assert known.endswith("known: center, hotline")
    assert known.render("ja").endswith("center、hotline")
    why = Conjunction([notice("%(count)s characters (Twilio speaks at most %(most)s)", count="5,000", most="4,096"),
                       notice("%(count)s characters URL-encoded (Twilio warns over %(most)s)", count="9,000",
                              most="4,500")])
    long = notice("what callers hear here is too long for one <Say>: %(why)s; shorten its texts", why=why)
    assert " characters (Twilio speaks at most 4,096) and 9,000 characters URL-encoded" in long
    assert "5,000文字（Twilio が読み上げるのは4,096文字まで）、URLエンコードで9,000文字" in long.render("ja")


def test_a_broken_translation_is_said_in_english(monkeypatch):
    class Broken:
        def gettext(self, message):
            return "%(missing)s"

        def pgettext(self, context, message):
            return "%(missing)s"

    monkeypatch.setattr(notices, "catalog", lambda language: Broken())
    message = notice("%(time)s is not a time of day", time="25:00")
    assert message.render("ja") == "25:00 is not a time of day"


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "ja_JP.eucJP"}, "ja"), ({"LANG": "ja"}, "ja"),
    ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL decides over LANG
    ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "C"}, "ja"),  # and LC_MESSAGES over LANG
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"}, "ja"),  # empty is unset
    ({"LC_ALL": "ja_JP.UTF-8", "LC_MESSAGES": "C"}, "ja"),
])
def test_the_operators_language_comes_from_the_locale(environ, expected):
    assert locale_from_environ(environ) == expected


def test_language_of_a_locale_name():
    assert [language_of(x) for x in ("ja_JP.UTF-8", "ja-JP", "JA", "C", "POSIX", "", None, "en_GB")] == [
        "ja", "ja", "ja", "en", "en", "en", "en", "en"]


# -- Problem ---------------------------------------------------------------------------------------

def broken_files():
    return sorted(p for p in ERRORS.glob("*.yaml") if p.name != "valid.yaml")


def problem_of(path: Path) -> Problem:
    with pytest.raises(RoutesError) as caught:
        load_routes(path)
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_each_error_is_said_in_japanese_at_the_same_place(path):
    line, key_path, message = EXPECT.match(path.read_text("utf-8").splitlines()[0]).groups()
    problem = problem_of(path)
    assert str(problem) == problem.text("en") == problem.text("C")
    assert problem.message_in("en") == problem.message
    japanese = problem.message_in("ja")
    assert JAPANESE.search(japanese), japanese
    assert message.strip() not in japanese
    where = f"{path}:{line}: " + (f"{key_path}（" if key_path else "")
    assert problem.text("ja").startswith(where), problem.text("ja")
    assert problem.text("ja").endswith(": " + japanese)


def test_a_key_path_is_kept_and_said_in_words():
    problem = problem_of(ERRORS / "unknown_desk.yaml")
    assert problem.where_in("en") == 'menus.billing.options."1".desk'
    assert problem.where_in("ja") == 'menus.billing.options."1".desk（メニュー「billing」のキー「1」の選択肢の案内する窓口）'
    calendar = problem_of(ERRORS / "calendar_spans_overlap.yaml")
    assert calendar.where_in("ja") == "calendar[0].open.center[1]（1番目の予定の窓口「center」の特別な受付時間の2番目）"


def test_the_example_errors_read_as_an_office_worker_would_read_them():
    said = {path.stem: problem_of(path).message_in("ja") for path in broken_files()}
    assert said["unknown_desk"] == "窓口 'ipa_' はありません（書き間違いかもしれません）。使える窓口のID：center、hotline"
    assert said["announcement_until_before_from"] == (
        "終わりの日（until:）の2026年12月1日（火）が、始まりの日（from:）の2026年12月10日（木）より前になっています。")
    assert said["yaml_syntax"] == "YAML として読めません：「]」で閉じていないか、「,」が抜けています（17行目から始まる部分）。"
    assert said["calendar_unquoted_date"].startswith('"2026-12-28" のように、引用符に入れて')
    assert "（YAML は 2026年12月28日（月） と読みました）" in said["calendar_unquoted_date"]  # not datetime.date(…)
    assert said["span_unquoted_time"].startswith('"12:30" のように、引用符に入れて')
    assert said["label_yes"] == '"yes" のように、引用符に入れて文字として書いてください（YAML は true と読みました）。'
    assert said["closed_unknown_day_kind"] == "'sundays' は使えません。使えるのは holidays、year_end です。"
    assert said["phone_full_width"] == ("「０３-５９７４-００６８」に全角数字か全角のハイフンが入っています。"
                                        "半角で 03-5974-0068 と書いてください。")
    assert said["yaml_tab"] == ("YAML として読めません：字下げにタブが使われています。字下げは半角スペースで書いてください"
                                "（8行目から始まる部分）。")
    assert said["yaml_another_document"] == ("YAML として読めません：「---」の行で、ファイルが2つに分かれています。"
                                             "「---」の行を消してください。")
    assert said["yaml_full_width_indent"] == "字下げに全角スペースが使われています。字下げは半角スペースで書いてください。"
    assert said["yaml_full_width_after_colon"] == (
        "phone: の「:」の後が全角スペースになっています。「:」の後は半角スペースにしてください。")
    assert said["yaml_extra_indent"] == (
        "YAML として読めません：この行は、上の11行目より字下げが深いため、11行目の値の続きとして読まれています。"
        "同じ並びのキーと字下げをそろえてください。")
    assert "2つ" not in said["yaml_extra_indent"]  # not "two colons on the line"
    assert said["yaml_key_indent"] == ("YAML として読めません：この行と上の8行目とで、字下げがずれています。"
                                       "並んだキーは同じ字下げにそろえてください。")
    assert said["yaml_text_after_quote"] == (
        "YAML として読めません：この行は、値の閉じる「\"」の後にも続きがあります。値の全体を引用符の中に入れてください。")
    assert said["closed_twice"] == "'holidays' が2回以上書かれています。1つにしてください。"
    assert said["says_japanese_comma"] == (
        "「宣伝メール、メルマガ」に「、」が入っています。電話をかけた方の言葉は、ここに書いた言葉が全部"
        "聞こえたときにだけ当てはまります。2つの言葉なら、半角の「, 」で区切って 宣伝メール, メルマガ と"
        "別々に書いてください（1つの言葉なら「、」を消してください）。")
    assert "「請求 架空請求」にスペースが入っています。" in said["says_space"]
    assert "身に覚えのない請求, 請求のメール, 請求, 架空請求" not in said["says_space"]
    assert "請求, 架空請求 と別々に書いてください" in said["says_space"]


def test_a_message_given_as_plain_text_stays_english():
    problem = Problem("routes.yaml", 3, ("desks", "center"), "a message not yet in the catalog")
    assert problem.message_in("ja") == "a message not yet in the catalog"
    assert problem.text("ja") == "routes.yaml:3: desks.center（窓口「center」）: a message not yet in the catalog"
    assert in_locale("plain", "ja") == "plain"


def test_refusals_that_are_not_in_the_file_are_said_in_japanese(tmp_path):
    with pytest.raises(RoutesError) as missing:
        load_routes(tmp_path / "nowhere.yaml")
    assert missing.value.problems[0].message_in("ja") == "ファイルが見つかりません。名前と場所を確かめてください。"
    shift_jis = tmp_path / "sjis.yaml"
    shift_jis.write_bytes("line: {greeting: こんにちは}".encode("shift_jis"))
    with pytest.raises(RoutesError) as encoded:
        load_routes(shift_jis)
    assert encoded.value.problems[0].message_in("ja").startswith("UTF-8 の文字として読めません。")
    with pytest.raises(RoutesError) as empty:
        parse_routes("")
    assert empty.value.problems[0].message_in("ja") == "ファイルが空です。"


def test_errors_of_the_schema_are_said_in_japanese():
    text = (ERRORS / "valid.yaml").read_text("utf-8")
    cases = [
        (("line:", "line:\n  voice: 5"), "line.voice", "引用符に入れて文字として書いてください（YAML は 5 と読みました）。"),
        (("version: 1", "version: 1\ninput: {timeout: 2}"), "input.timeout", "2 は小さすぎます。3 以上にしてください。"),
        (("in_scope: true", "in_scope: maybe"), "desks.center.in_scope", "true か false で書いてください"),
        (("closed: [holidays, year_end]", "closed: [holidays, holidays]"), "desks.center.hours.closed[1]",
         "'holidays' が2回以上書かれています。"),
    ]
    for (old, new), where, said in cases:
        assert old in text
        with pytest.raises(RoutesError) as caught:
            parse_routes(text.replace(old, new, 1))
        problem = caught.value.problems[0]
        assert (format_path(problem.path), said in problem.message_in("ja")) == (where, True), problem.text("ja")


# -- the commands ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_check_prints_each_error_in_japanese_with_its_file_line_and_key_path(runner, path):
    line, key_path, message = EXPECT.match(path.read_text("utf-8").splitlines()[0]).groups()
    result = runner.invoke(main, ["check", str(path)], env=JA)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}:{line}: " + (f"{key_path}（" if key_path else "")), first
    assert JAPANESE.search(first.rsplit(": ", 1)[-1]), first
    assert message.strip() not in result.output
    english = runner.invoke(main, ["check", str(path)], env={"LANG": "C"})
    assert english.output.startswith(f"{path}:{line}: " + (f"{key_path}: " if key_path else "") + message.strip())


def test_check_under_lc_all_c_stays_english_whatever_lang_says(runner):
    path = ERRORS / "unknown_desk.yaml"
    result = runner.invoke(main, ["check", str(path)], env={"LC_ALL": "C", "LANG": "ja_JP.UTF-8"})
    assert "unknown desk 'ipa_'" in result.output
    result = runner.invoke(main, ["check", str(path)], env={"LC_MESSAGES": "ja_JP.UTF-8"})
    assert "窓口 'ipa_' はありません" in result.output


def test_command_mistakes_are_said_in_japanese(runner, tmp_path):
    result = runner.invoke(main, ["check", "--at", "someday", str(ERRORS / "valid.yaml")], env=JA,
                           prog_name="ivr")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "エラー：値が正しくありません：'someday' は日時の書き方ではありません。"
        '"2026-12-29 10:00" のように日本時間で書いてください。',
        "使い方は「ivr check --help」で確かめられます（説明は英語です）。"]
    missing = runner.invoke(main, ["report", "--database", f"sqlite:///{tmp_path / 'r.sqlite3'}"], env=JA)
    assert missing.exit_code == 2 and "エラー：'--month' を指定してください。" in missing.output
    month = runner.invoke(main, ["report", "--month", "12-2026", "--database",
                                 f"sqlite:///{tmp_path / 'r.sqlite3'}"], env=JA)
    assert month.exit_code == 2
    assert "'12-2026' は月の書き方ではありません。2026-12 のように書いてください。" in month.output
    unknown = runner.invoke(main, ["tree", "--colour"], env=JA)
    assert unknown.exit_code == 2 and "エラー：--colour というオプションはありません。" in unknown.output
    database = runner.invoke(main, ["report", "--month", "2026-12", "--database",
                                    "postgresql+psycopg://ivr@127.0.0.1:1/records", "--routes", str(ROUTES)], env=JA)
    assert database.exit_code == 1
    assert database.output.startswith("エラー：通話記録のデータベース postgresql+psycopg://ivr@127.0.0.1:1/records "
                                      "を開けません：connection failed")
    assert database.output.rstrip().endswith("（DATABASE_URL、IVR_RECORDS_DB または --database を確かめてください）")
    english = runner.invoke(main, ["check", "--at", "someday", str(ERRORS / "valid.yaml")])
    assert "Error: Invalid value: 'someday' is not a Japan time" in english.output


@pytest.mark.parametrize("args, japanese, english", [
    (["report", "--month", "2026-12", "--format", "xlsx"],
     "エラー：'--format' の値が正しくありません：text、csv、png のどれかを指定してください",
     "Error: Invalid value for '--format': 'xlsx' is not one of 'text', 'csv', 'png'."),
    (["routes", "history", "--limit", "-1"],
     "エラー：'--limit' の値が正しくありません：0以上の整数を指定してください",
     "Error: Invalid value for '--limit': -1 is not in the range x>=0."),
    (["routes", "rollback", "two", "-m", "back"],
     "エラー：'NUMBER' の値が正しくありません：整数を指定してください",
     "Error: Invalid value for 'NUMBER': 'two' is not a valid integer."),
    (["check", "{folder}"],
     "エラー：'[ROUTES]' の値が正しくありません：フォルダではなくファイルを指定してください",
     "Error: Invalid value for '[ROUTES]': File '{folder}' is a directory."),
    (["preview", "--out", "{file}"],
     "エラー：'--out' の値が正しくありません：ファイルではなくフォルダを指定してください",
     "Error: Invalid value for '--out': Directory '{file}' is a file."),
    (["chek", "routes.yaml"],
     "エラー：chek というコマンドはありません。 check のことでしょうか。",
     "Error: No such command 'chek'."),
    (["routes", "publsh"],
     "エラー：publsh というコマンドはありません。 publish のことでしょうか。",
     "Error: No such command 'publsh'."),
    (["report", "--mnth", "2026-12"],
     "エラー：--mnth というオプションはありません。 --month のことでしょうか。",
     "Error: No such option"),
    (["--versoin"],
     "エラー：--versoin というオプションはありません。 --version のことでしょうか。",
     "Error: No such option"),
    (["check", "routes.yaml", "new.yaml"],
     "エラー：余分な引数があります：new.yaml",
     "Error: Got unexpected extra argument (new.yaml)"),
], ids=["choice", "int-range", "int", "not-a-folder", "not-a-file", "command", "subcommand", "option",
        "ivrs-own-option", "extra-argument"])
def test_what_clicks_own_types_refuse_is_said_in_japanese(runner, tmp_path, args, japanese, english):
    import click

    if "command" in japanese and not hasattr(click, "NoSuchCommand"):
        pytest.skip("click before 8.4 has no NoSuchCommand: an unknown command is said in its English")
    (tmp_path / "file.txt").write_text("", "utf-8")
    args = [arg.format(folder=tmp_path, file=tmp_path / "file.txt") for arg in args]
    said = runner.invoke(main, args, env=JA, prog_name="ivr")
    assert said.exit_code == 2
    assert said.output.splitlines()[0] == japanese.format(folder=tmp_path, file=tmp_path / "file.txt")
    assert said.output.splitlines()[1].startswith("使い方は「ivr ")
    english_said = runner.invoke(main, args, env={"LANG": "C"}, prog_name="ivr")
    assert english_said.exit_code == 2
    assert english_said.output.splitlines()[-1].startswith(english.format(folder=tmp_path, file=tmp_path / "file.txt"))


def test_an_option_without_its_value_is_said_in_japanese_and_a_bare_group_shows_its_help(runner):
    said = runner.invoke(main, ["check", "--at"], env=JA)
    assert said.exit_code == 2 and said.output == "エラー：--at には値を指定してください。\n"
    assert "Error: Option '--at' requires an argument." in runner.invoke(main, ["check", "--at"]).output
    for group in ("db", "routes", "twilio", "operators"):
        helped = runner.invoke(main, [group], env=JA, prog_name="ivr")
        assert helped.exit_code == 2 and helped.output.startswith(f"Usage: ivr {group} [OPTIONS] COMMAND"), group
        assert "エラー" not in helped.output, "the help is shown as it is, in English"


def test_a_file_a_command_cannot_write_is_said_in_one_line(runner, tmp_path):
    nowhere = tmp_path / "missing" / "routes.txt"
    said = runner.invoke(main, ["tree", str(ROUTES), "--out", str(nowhere)], env=JA)
    assert said.exit_code == 1 and "Traceback" not in said.output
    assert said.output.startswith(f"エラー：{nowhere} に書き込めません：")
    english = runner.invoke(main, ["tree", str(ROUTES), "--out", str(nowhere)], env={"LANG": "C"})
    assert english.exit_code == 1 and english.output.startswith(f"Error: cannot write {nowhere}: ")


def test_tree_in_japanese_names_desks_and_says_hours_in_words(runner):
    result = runner.invoke(main, ["tree", str(ROUTES), "--at", "2026-12-01 10:00"], env=JA)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "├─ 1 料金の請求 → メニュー billing" in lines
    assert ("├─ 4 広告メール → 迷惑メール相談センター 03-5974-0068（平日 10:00〜12:00、13:00〜17:00"
            "（祝日、年末年始を除く）、転送できます、センターの相談対象）") in lines
    assert lines[-1] == "（どのメニューでも 9 で繰り返し、0 で最初のメニューへ。案内の後は、転送できる窓口なら 1 で転送）"
    assert ("あいまいな言葉（メール、変なメール、怪しいメール、不審なメール、おかしなメール、知らないメール、"
            "メールが来た、メールが届いた、見覚えのないメール、怪しいのが来る、怪しいのが届く、変なのが来る、変なのが届く、迷惑メール）には質問：お金を請求されていますか。"
            "それとも、広告のメールですか。") in lines
    assert "   1 身に覚えのない請求 (billing/1) → 消費者ホットライン 188（受付時間は、お近くの消費生活センターによって異なります。）" in lines
    for english in ("mon-fri", "closed", "transfer", "in scope", "menu ", "no number", "hours vary",
                    "unclear", "asks"):
        assert english not in result.output


def test_tree_in_japanese_lists_the_calendar_with_dates_and_desk_names(tmp_path):
    routes = load_routes(_dated_routes(tmp_path))
    text = render_tree(routes, "text", date(2026, 12, 1), "ja")
    assert text.endswith(
        "2026年12月1日（火）以降の予定とお知らせ：\n"
        "  予定 2026年12月8日（火）：迷惑メール相談センターは休み — 本日は臨時休業とさせていただいております。\n"
        "  予定 2026年12月24日（木）、2026年12月25日（金）：迷惑メール相談センターは10:00〜11:00のみ受付\n"
        "  お知らせ 2026年12月1日（火）〜2026年12月31日（木）、最初のあいさつの後："
        "宅配業者を名乗る偽のショートメッセージにご注意ください。")
    english = render_tree(routes, "text", date(2026, 12, 1))
    assert "  calendar 2026-12-08: closed center — 本日は臨時休業とさせていただいております。" in english
    assert "迷惑メール相談センター 03-5974-0068（平日" in render_tree(routes, "mermaid", locale="ja")


def _dated_routes(tmp_path: Path) -> Path:
    text = ROUTES.read_text("utf-8")
    assert "calendar: []" in text and "announcements: []" in text
    text = text.replace("calendar: []", """calendar:
  - date: "2026-12-08"
    closed: [center]
    say: 本日は臨時休業とさせていただいております。
  - dates: ["2026-12-24", "2026-12-25"]
    open: {center: ["10:00-11:00"]}""").replace("announcements: []", """announcements:
  - from: "2026-12-01"
    until: "2026-12-31"
    say: 宅配業者を名乗る偽のショートメッセージにご注意ください。
    where: greeting""")
    path = tmp_path / "routes.yaml"
    path.write_text(text, "utf-8")
    return path


def test_diff_in_japanese(runner, tmp_path):
    dated = _dated_routes(tmp_path)
    result = runner.invoke(main, ["diff", str(ROUTES), str(dated), "--at", "2026-12-08 10:00"], env=JA)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "最初のあいさつ：変わります"
    assert "予定とお知らせ：変わります" in lines
    assert "キー 4：変わります（迷惑メール相談センター）" in lines
    assert "    + 予定 2026年12月8日（火）：迷惑メール相談センターは休み — 本日は臨時休業とさせていただいております。" in lines
    same = runner.invoke(main, ["diff", str(ROUTES), str(ROUTES)], env=JA)
    assert same.output == "電話をかけた方に聞こえる内容は変わりません。\n"
    asked = tmp_path / "asked.yaml"
    asked.write_text(ROUTES.read_text("utf-8").replace('choices: ["billing/1", "top/4"]',
                                                       'choices: ["billing/1", "scam/1"]'), "utf-8")
    question = runner.invoke(main, ["diff", str(ROUTES), str(asked)], env=JA).output.splitlines()
    assert question[0] == "あいまいな言葉への質問：変わります"
    assert any(line.startswith("    - 2 広告メール (top/4) → 迷惑メール相談センター") for line in question)
    assert "    + 2 銀行などを名乗るメール (scam/1) → フィッシング対策協議会 info@antiphishing.jp" in question
    english = runner.invoke(main, ["diff", str(ROUTES), str(dated), "--at", "2026-12-08 10:00"])
    assert english.output.splitlines()[0] == "greeting: changed"
    assert "4: changed (center)" in english.output.splitlines()


# -- the report ------------------------------------------------------------------------------------

UTC = timezone.utc
NAMES = {"center": "迷惑メール相談センター", "ipa": "情報セキュリティ安心相談窓口"}


def call(started: datetime, **fields) -> dict:
    base = {"call_sid": "CA" + "0" * 32, "caller_hash": None, "started_at": started,
            "ended_at": started, "call_status": "completed", "duration_s": 30, "steps": 3,
            "path": "", "topic": None, "topic_label": None, "desk": None, "delivery": None,
            "transfer_result": None, "desk_closed": None, "end_reason": "hung_up_in_menu"}
    return base | fields


def a_month():
    ten = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    closure = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    center = {"topic": "ads/1", "topic_label": "ご相談", "desk": "center", "delivery": "read",
              "end_reason": "answer_heard"}
    calls = [call(ten, caller_hash="a" * 64, **center),
             call(ten, caller_hash="a" * 64, **center | {"delivery": "transferred", "transfer_result": "busy",
                                                          "end_reason": "transferred"}),
             call(closure, caller_hash="b" * 64, closure_day=True, announced=True, desk_closed=True,
                  **center | {"transfer_result": "closed"}),
             call(closure, caller_hash="c" * 64),
             call(closure, end_reason="max_failures", ended_at=None),
             call(closure, end_reason="no_input"),
             call(closure, end_reason=None),
             call(ten, topic="top/5", topic_label="ウイルス", desk="ipa", delivery="read",
                  end_reason="hung_up_after_answer")]
    texts = [{"desk": "center", "status": "sent"}, {"desk": "center", "status": "refused"}]
    return build("2026-12", calls, texts)


def english_words(text: str, data: list[str]) -> list[str]:
    """ASCII words left in a Japanese report once the data it shows is taken out: desk names and
    topic labels as the operators wrote them, topic ids (menu/key), callers' hash prefixes."""
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, "")
    text = re.sub(r"\([a-z_]+/[0-9*#]\)", "", text)  # topic ids: ads/1
    text = re.sub(r"\b[0-9a-f]{12}\b", "", text)  # a caller's keyed hash, shortened
    return re.findall(r"[A-Za-z]{2,}", text)


def test_no_english_is_left_in_a_japanese_report():
    report = a_month()
    data = list(NAMES.values()) + ["ご相談", "ウイルス"]
    text = render_text(report, "ja", NAMES)
    assert english_words(text, data) == [], text
    lines = text.splitlines()
    assert lines[0] == "2026年12月の月次報告（日本時間）迷惑メール相談 ご案内ダイヤル"
    words = [line.split() for line in lines]
    assert ["案内の後に電話が切られた", "1", "12.5%"] in words
    assert ["迷惑メール相談センター（2", "/", "1）", "3", "37.5%"] in words
    assert ["2026年12月8日（火）", "1"] in words
    assert ["話し中", "1"] in words and ["終わりが記録されていない", "1", "12.5%"] in words
    rows = list(csv.reader(io.StringIO(render_csv(report, "ja", NAMES))))
    assert rows[0] == ["月", "区分", "項目", "件数"]
    assert ["2026年12月", "通話の終わり方", "案内の後に電話が切られた", "1"] in rows
    assert ["2026年12月", "ショートメッセージ（送信を拒否された）", "迷惑メール相談センター", "1"] in rows
    assert english_words("\n".join(",".join(row) for row in rows), data) == []


def test_the_words_for_the_records_codes_cover_every_ending():
    from ivr.core.outcomes import ENDINGS
    from ivr.records.report import ENDINGS as SAID, TRANSFERS

    hang_ups = {"not_connected", "hung_up_after_answer", "hung_up_in_transfer", "hung_up_in_menu", "open",
                "busy", "no-answer", "failed", "canceled"}
    assert {str(o) for o in ENDINGS} | hang_ups <= set(SAID)
    assert {"completed", "answered", "busy", "no-answer", "failed", "canceled", "closed", "unknown"} <= set(TRANSFERS)


def test_the_english_report_is_unchanged_by_names():
    report = a_month()
    assert render_text(report, "en", NAMES) == render_text(report)
    assert "  center (2 / 1)" in render_text(report)
    assert "hung_up_after_answer" in render_text(report)


def test_the_charts_titles_axes_and_labels_are_japanese():
    import warnings

    from matplotlib import pyplot as plt

    report = a_month()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of every glyph its font lacks
        figure = chart_figure(report, "ja", NAMES)
        figure.canvas.draw()
    try:
        texts = [figure._suptitle.get_text()]
        for axis in figure.axes:
            texts += [axis.get_title(), axis.get_xlabel(), axis.get_ylabel()]
            texts += [label.get_text() for label in axis.get_yticklabels()]
    finally:
        plt.close(figure)
    shown = "\n".join(texts)
    assert "2026年12月の通話（日本時間）：8件" in texts
    assert {"ご用件ごとの通話", "窓口ごとの通話", "通話の終わり方", "時間帯ごとの通話", "件数", "時（日本時間）"} <= set(texts)
    assert "情報セキュリティ安心相談窓口" in texts and "案内の後に電話が切られた" in texts
    assert english_words(shown, list(NAMES.values()) + ["ご相談", "ウイルス"]) == []


def test_report_command_in_japanese_names_desks_from_routes(tmp_path, clock, runner):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock)
    place_call(app, ["4", "-"])
    place_call(app, ["4", "1"], dial_status="busy")
    place_call(app, ["2"])
    drained(app)
    args = ["report", "--month", "2026-12", "--database", database, "--routes", str(ROUTES)]
    result = runner.invoke(main, args, env=JA)
    assert result.exit_code == 0, result.output
    routes = load_routes(ROUTES)
    data = [d.name for d in routes.desks.values()] + [o.label[0] for m in routes.menus.values()
                                                     for o in m.options if isinstance(o.label[0], str)]
    assert english_words(result.stdout, data) == [], result.stdout
    assert ["迷惑メール相談センター（1", "/", "1）", "2", "66.7%"] in [line.split() for line in result.stdout.splitlines()]
    assert result.stderr == f"通話記録の読み出し元：{tmp_path / 'r.sqlite3'}\n"
    out = tmp_path / "report.csv"
    result = runner.invoke(main, [*args, "--format", "csv", "--output", str(out)], env=JA)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith("\ufeff月,区分,項目,件数".encode("utf-8"))  # a spreadsheet reads it as UTF-8
    english = runner.invoke(main, [*args, "--format", "csv", "--output", str(out)])
    assert english.exit_code == 0 and out.read_text("utf-8").startswith("month,section,item,count")


def test_report_without_routes_shows_desk_ids_and_says_why(tmp_path, clock, runner):
    database = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = record_app(database, clock)
    place_call(app, ["4", "-"])
    drained(app)
    result = runner.invoke(main, ["report", "--month", "2026-12", "--database", database, "--routes",
                                  str(tmp_path / "none.yaml")], env=JA)
    assert result.exit_code == 0
    assert f"{tmp_path / 'none.yaml'} を読み込めないため、窓口を名前ではなくIDで表示します。" in result.output
    assert "  center（1 / 0）" in result.output


def test_format_path_is_unchanged():
    assert format_path(("menus", "top", "options", "3", "desk")) == 'menus.top.options."3".desk'
    assert pnotice("list", ", ").render("ja") == "、"
    assert isinstance(notice("x"), Notice)
