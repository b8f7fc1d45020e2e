"""Text messages with a desk's details: sent off the call's path, within the limits, never leaking the number.

The REST API is Stoplight Prism serving Twilio's own OpenAPI description (the Messages create
operation), or a stand-in that answers 4xx, 5xx or nothing at all (twilio_stand_ins.py).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import time
from datetime import timedelta

import pytest
from helpers import ROUTES, TOKEN, Served, samples, served_call, value, wait_for
from records_helpers import HASH_KEY, record_app, sqlite_url
from sms_helpers import CENTER, OFFER, SENT, UNAVAILABLE, rows
from twilio_stand_ins import ACCOUNT, needs_prism

from ivr.app import ConfigError
from ivr.command import main
from ivr.operators.phone import Call, scripted
from ivr.records.report import build, render_csv, render_text
from ivr.sms import sending
from ivr.sms.sending import RehearsalSender, sender_fields
from ivr.sms.texter import DatabaseLedger, Limits, Texter
from ivr.web import wired

MOBILE = "+819012345678"
OTHER_MOBILE = "+818055556666"
OVER = "申し訳ありません。これ以上、ショートメッセージはお送りできません。"
CENTER_BODY = ("迷惑メール相談のご案内ダイヤルです。お電話でお尋ねの窓口をお知らせします。\n"
               "迷惑メール相談センター\n電話：03-5974-0068\n"
               "受付：平日 10:00〜12:00、13:00〜17:00（祝日、年末年始を除く）")


def sms_app(database: str, clock, api_url: str, sms_from: str = "MeiwakuInfo", **overrides):
    """The line as served, sending through the REST API at `api_url`."""
    settings = {"account_sid": ACCOUNT, "sms_from": sms_from, "twilio_api_url": api_url}
    return record_app(database, clock, **(settings | overrides))


def rehearsal_app(database: str, clock, per_day: int = 500, records: bool = True):
    """The line counting in the database, with a sender that only keeps what it would send."""
    texter = Texter(DatabaseLedger(database), RehearsalSender(), Limits(per_day=per_day),
                    background=False)
    return record_app(database if records else None, clock, sms_texter=texter)


def call(app, keys: list[str], caller: str = MOBILE, texts: list | None = None) -> list[str]:
    """A whole call; what the line said, step by step (and the messages sent, into `texts`)."""
    events = Call(app, TOKEN, caller).run(scripted(keys), lambda event: None)
    assert not [e for e in events if e.kind == "error"], events
    if texts is not None:
        texts.extend(e.text for e in events if e.kind == "sms")
    return [e.text for e in events if e.kind == "say"]


def drained(app) -> None:
    assert wired(app).texter.drain(30), "the sender did not finish within 30 s"


def keyed(number: str) -> str:
    return hmac.new(HASH_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


# -- the REST API: Prism, from Twilio's own description ---------------------------------------

@needs_prism
def test_a_message_is_sent_through_messages_create(twilio, tmp_path, clock):
    url, seen = twilio
    database = sqlite_url(tmp_path)
    app = sms_app(database, clock, url)
    said = call(app, ["4", "2"])
    assert OFFER in said[-2] and said[-1].startswith(SENT)
    drained(app)

    (sent,) = seen
    assert (sent["method"], sent["path"]) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json")
    assert sent["form"] == {"To": [MOBILE], "From": ["MeiwakuInfo"], "Body": [CENTER_BODY]}
    assert sent["status"] == 201, "the stand-in found the request valid"
    (row,) = rows(database)
    assert row["status"] == "sent" and row["message_sid"].startswith("SM") and row["error"] is None
    assert (row["desk"], row["caller_hash"], row["day"]) == ("center", keyed(MOBILE), "2026-12-01")
    found = samples(app.test_client())
    assert value(found, "ivr_sms_requests_total", result="queued") == 1
    assert value(found, "ivr_sms_sends_total", result="sent") == 1


@needs_prism
def test_a_messaging_service_picks_the_sender(twilio, tmp_path, clock):
    url, seen = twilio
    service = "MG" + "b" * 32
    app = sms_app(sqlite_url(tmp_path), clock, url, sms_from=service)
    call(app, ["3", "1", "2"])
    drained(app)
    (sent,) = seen
    assert sent["form"]["MessagingServiceSid"] == [service] and "From" not in sent["form"]
    assert "info@antiphishing.jp" in sent["form"]["Body"][0]
    assert sent["status"] == 201


# -- a REST API that fails: the call goes on as if nothing happened --------------------------

REFUSED = (400, {"code": 21614, "message": f"'To' number {MOBILE} is not a mobile number",
                 "more_info": "https://www.twilio.com/docs/errors/21614", "status": 400})
BROKEN = (503, {"code": 20503, "message": "Service unavailable", "status": 503})


@pytest.mark.parametrize("answer, status, error, result", [
    (REFUSED, "refused", "21614", "refused"),
    (BROKEN, "failed", "20503", "failed"),
    (None, "unreachable", "ReadTimeout", "unreachable"),
], ids=["4xx", "5xx", "no-answer"])
def test_a_failing_api_never_touches_the_call(stand_in, tmp_path, clock, monkeypatch, caplog,
                                              answer, status, error, result):
    monkeypatch.setattr(sending, "SEND_TIMEOUT", 1.0)
    url, handler = stand_in(answer)
    database = sqlite_url(tmp_path)
    app = sms_app(database, clock, url)
    with caplog.at_level(logging.INFO):
        said = call(app, ["4", "2", "9", "0"])
        # The caller heard it was on its way and went on through the menus.
        assert said[-3].startswith(SENT) and OFFER in said[-2]
        assert said[-1].startswith("料金の請求は1")
        assert handler.arrived.wait(10), "the message reached the API after the call went on"
        if answer is None:
            assert not wired(app).texter.drain(0.2), "Twilio still had not answered"
        drained(app)
    assert handler.seen[0]["To"] == [MOBILE]
    (row,) = rows(database)
    assert (row["status"], row["error"], row["message_sid"]) == (status, error, None)
    assert value(samples(app.test_client()), "ivr_sms_sends_total", result=result) == 1
    assert MOBILE not in caplog.text and MOBILE[3:] not in caplog.text
    assert "text message for desk center" in caplog.text


# -- who is offered it ---------------------------------------------------------------------------

@pytest.mark.parametrize("caller", ["+81359740068", "+14155552671", "anonymous", "+266696687", ""])
def test_landline_foreign_and_withheld_callers_are_not_offered_it(stand_in, tmp_path, clock, caller):
    url, handler = stand_in(BROKEN)
    app = sms_app(sqlite_url(tmp_path), clock, url)
    said = call(app, ["4", "2"], caller=caller)
    assert "ショートメッセージ" not in "".join(said)
    assert said[-1].startswith("その番号は選択できません。")
    assert handler.seen == []


def test_without_a_sender_no_one_is_offered_it(tmp_path, clock):
    app = record_app(sqlite_url(tmp_path), clock)
    said = call(app, ["4", "2"])
    assert "ショートメッセージ" not in "".join(said)
    assert said[-1].startswith("その番号は選択できません。")
    assert wired(app).texter is None


# -- the limits, shared by every worker through the records database ---------------------------

def test_at_most_two_messages_a_call(database, clock):
    app = rehearsal_app(database, clock)
    texts: list[str] = []
    said = call(app, ["4", "2", "2", "2"], texts=texts)
    assert [s.split("。")[0] + "。" for s in said[-3:]] == [SENT, SENT, OVER.split("。")[0] + "。"]
    assert said[-1].startswith(OVER) and said[-1].count(CENTER) == 2 and OFFER not in said[-1]
    assert texts == [f"to {MOBILE}:\n{CENTER_BODY}"] * 2
    assert [r["status"] for r in rows(database)] == ["sent", "sent"]
    found = samples(app.test_client())
    assert value(found, "ivr_sms_requests_total", result="over_call_limit") == 1


def test_at_most_three_a_caller_a_day_across_workers(database, clock):
    first, second = rehearsal_app(database, clock), rehearsal_app(database, clock)
    assert call(first, ["4", "2", "2"])[-2:][0].startswith(SENT)
    assert call(second, ["3", "1", "2"])[-1].startswith(SENT)  # the third, from another worker
    assert call(first, ["3", "2", "2"])[-1].startswith(OVER)
    assert call(second, ["4", "2"], caller=OTHER_MOBILE)[-1].startswith(SENT)
    clock.now += timedelta(days=1)  # a new day in Japan
    assert call(second, ["4", "2"])[-1].startswith(SENT)
    by_caller = [(r["caller_hash"], r["day"]) for r in rows(database)]
    assert by_caller == [(keyed(MOBILE), "2026-12-01")] * 3 + [(keyed(OTHER_MOBILE), "2026-12-01"),
                                                              (keyed(MOBILE), "2026-12-02")]
    over = samples(first.test_client())
    assert value(over, "ivr_sms_requests_total", result="over_caller_limit") == 1


def test_the_line_stops_at_its_daily_cap(database, clock):
    app = rehearsal_app(database, clock, per_day=2)
    assert call(app, ["4", "2"])[-1].startswith(SENT)
    assert call(app, ["4", "2"], caller=OTHER_MOBILE)[-1].startswith(SENT)
    said = call(app, ["2", "1", "2"], caller="+817011112222")
    assert said[-1].startswith(OVER) and said[-1].count("ゼロイチニーゼロ") == 2
    assert len(rows(database)) == 2
    assert value(samples(app.test_client()), "ivr_sms_requests_total", result="over_line_limit") == 1


def test_a_database_that_cannot_count_means_the_number_again(tmp_path, clock):
    app = rehearsal_app(f"sqlite:///{tmp_path}/missing/dir/records.sqlite3", clock, records=False)
    texts: list[str] = []
    said = call(app, ["4", "2"], texts=texts)
    assert said[-1].startswith(UNAVAILABLE) and said[-1].count(CENTER) == 2
    assert texts == []
    assert value(samples(app.test_client()), "ivr_sms_requests_total", result="unavailable") == 1


def test_a_body_twilio_would_refuse_is_never_queued(clock):
    from ivr.core.steps import TextMessage
    from ivr.sms.texter import MemoryLedger

    sender = RehearsalSender()
    texter = Texter(MemoryLedger(), sender, Limits(), background=False)
    call_sid = "CA" + "0" * 32
    longest = TextMessage("center", "あ" * sending.BODY_LIMIT)
    assert texter.request(call_sid, MOBILE, "caller-hash", longest, clock.now) is None
    too_long = TextMessage("center", "あ" * (sending.BODY_LIMIT + 1))
    assert texter.request(call_sid, MOBILE, "caller-hash", too_long, clock.now) == "unavailable"
    assert sender.outbox == [longest.body]


def test_the_number_is_never_stored(tmp_path, clock):
    database = sqlite_url(tmp_path)
    app = rehearsal_app(database, clock)
    call(app, ["4", "2"])
    wired(app).records.drain(30)
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert keyed(MOBILE).encode() in stored
    assert MOBILE.encode() not in stored and MOBILE[3:].encode() not in stored


# -- settings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value_, fields", [
    ("+815012345678", {"from_": "+815012345678"}),
    ("MeiwakuInfo", {"from_": "MeiwakuInfo"}),
    ("Meiwaku 188", {"from_": "Meiwaku 188"}),
    ("MG" + "0123456789abcdef" * 2, {"messaging_service_sid": "MG" + "0123456789abcdef" * 2}),
])
def test_the_sender_is_a_number_a_sender_id_or_a_messaging_service(value_, fields):
    assert sender_fields(value_) == fields


@pytest.mark.parametrize("overrides, complaint", [
    ({"sms_from": "TooLongSenderID"}, "IVR_SMS_FROM='TooLongSenderID' is neither"),
    ({"sms_from": "12345"}, "is neither"),
    ({"sms_from": "+81５０12345678"}, "is neither"),
    ({"account_sid": ""}, "also need: TWILIO_ACCOUNT_SID"),
    ({"caller_hash_key": ""}, "IVR_CALLER_HASH_KEY"),
    ({"records_url": None}, "a records database"),
    ({"sms_per_day": "many"}, "IVR_SMS_PER_DAY='many' is not a whole number"),
    ({"twilio_api_url": "api.twilio.com"}, "is not an absolute http(s) URL"),
])
def test_settings_that_cannot_work_stop_the_start(tmp_path, clock, overrides, complaint):
    with pytest.raises(ConfigError) as refused:
        sms_app(sqlite_url(tmp_path), clock, "https://api.twilio.com", **overrides)
    assert complaint in str(refused.value)


def test_ivr_call_from_a_mobile_prints_the_message(runner):
    result = runner.invoke(main, ["call", "--from", MOBILE, "--keys", "4,2",
                                  "--at", "2026-12-01 10:30"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index(f"SMS      to {MOBILE}:")
    assert lines[at - 1] == "PRESS    2" and OFFER in lines[at - 2]
    assert [line.strip() for line in lines[at + 1:at + 5]] == CENTER_BODY.splitlines()
    assert lines[at + 5].startswith(f"SAY      {SENT}")


def test_ivr_call_from_a_landline_is_not_offered_it(runner):
    result = runner.invoke(main, ["call", "--keys", "4,2", "--at", "2026-12-01 10:30"])
    assert result.exit_code == 0, result.output
    assert "ショートメッセージ" not in result.output and "SMS " not in result.output


# -- the monthly report --------------------------------------------------------------------------

def test_the_report_counts_messages_per_desk():
    texts = [{"desk": "center", "status": "sent"}] * 3 + [{"desk": "center", "status": "refused"},
                                                          {"desk": "antiphishing", "status": "sent"},
                                                          {"desk": "hotline", "status": "unreachable"}]
    report = build("2026-12", [], texts)
    assert report.texts_per_desk() == [("center", 3, 4), ("antiphishing", 1, 1), ("hotline", 0, 1)]
    text = render_text(report)
    section = text.split("Text messages per desk (sent / asked for):\n")[1].split("\n\n")[0]
    assert [line.split()[:3] for line in section.splitlines()] == [
        ["center", "(3", "/"], ["antiphishing", "(1", "/"], ["hotline", "(0", "/"]]
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert ["2026-12", "sms_sent", "center", "3"] in rows
    assert ["2026-12", "sms_refused", "center", "1"] in rows
    assert ["2026-12", "sms_unreachable", "hotline", "1"] in rows


def test_ivr_report_reads_the_messages_from_the_records(tmp_path, clock, runner):
    database = sqlite_url(tmp_path)
    app = rehearsal_app(database, clock)
    call(app, ["4", "2", "2"])
    call(app, ["3", "1", "2"], caller=OTHER_MOBILE)
    wired(app).records.drain(30)
    result = runner.invoke(main, ["report", "--month", "2026-12", "--database", database])
    assert result.exit_code == 0, result.output
    section = result.stdout.split("Text messages per desk (sent / asked for):\n")[1].split("\n\n")[0]
    assert [line.split()[:4] for line in section.splitlines()] == [
        ["center", "(2", "/", "2)"], ["antiphishing", "(1", "/", "1)"]]
    assert runner.invoke(main, ["report", "--month", "2026-11", "--database", database]).stdout.count(
        "Text messages per desk (sent / asked for):\n  (none)") == 1


# -- the limits under a real server: one handset, one call, however they are written ------------

SENT_BY_TWILIO = (201, {"sid": "SM" + "5" * 32, "status": "queued", "to": "+819020000005",
                        "body": "", "num_segments": "2"})
HANDSET = "+819020000005"
THE_SAME_HANDSET = ["+8190２0000005", "+8190२००००००५", "+8190𝟐𝟎𝟎𝟎𝟎𝟎𝟎𝟓", "＋819020000005"]


def served_sms(tmp_path, url: str) -> Served:
    return Served(tmp_path, ROUTES, workers=2, IVR_RECORDS_DB=str(tmp_path / "records.sqlite3"),
                  IVR_CALLER_HASH_KEY=HASH_KEY, IVR_SMS_FROM="MeiwakuInfo", TWILIO_ACCOUNT_SID=ACCOUNT,
                  IVR_TWILIO_API_URL=url)


def test_digits_written_otherwise_are_the_same_handset(stand_in, tmp_path):
    url, handler = stand_in(SENT_BY_TWILIO)
    heard = []
    with served_sms(tmp_path, url) as served:
        for n, caller in enumerate([HANDSET, HANDSET] + THE_SAME_HANDSET * 2):
            heard.append(served_call(served.port, ["4", "2", "2"], CallSid=f"CA{n:032x}", From=caller)[-1])
        wait_for(lambda: len(rows(sqlite_url(tmp_path))) >= 3 and all(
            r["status"] != "queued" for r in rows(sqlite_url(tmp_path))), 15)
        time.sleep(0.5)  # a message that should not have gone would have reached the stand-in by now
    assert len(handler.seen) == 3, [s["To"][0] for s in handler.seen]
    assert {s["To"][0] for s in handler.seen} == {HANDSET}
    assert [r["caller_hash"] for r in rows(sqlite_url(tmp_path))] == [keyed(HANDSET)] * 3
    assert heard[1].startswith(OVER)  # the third to one handset in a day, then no more
    for said in heard[2:]:  # not a number as Twilio sends it: not offered, 2 is just a wrong key
        assert "ショートメッセージ" not in said and said.startswith("その番号は選択できません。")


def test_a_call_sid_in_other_letters_is_the_same_call(stand_in, tmp_path):
    url, handler = stand_in(SENT_BY_TWILIO)
    sid = "CA" + "0123456789abcdef" * 2
    with served_sms(tmp_path, url) as served:
        first = served_call(served.port, ["4", "2", "2"], CallSid=sid)
        again = served_call(served.port, ["4", "2", "2"], CallSid="CA" + sid[2:].upper())
        wait_for(lambda: len(handler.seen) >= 2, 15)
        time.sleep(0.5)
    assert first[-1].startswith(SENT) and again[-2].startswith(OVER)
    assert len(handler.seen) == 2
    assert {r["call_sid"] for r in rows(sqlite_url(tmp_path))} == {sid}


def test_a_message_asked_for_in_words_is_sent_like_the_key(database, clock):
    app = rehearsal_app(database, clock)
    texts: list[str] = []
    said = call(app, ["4", "ショートメッセージで送ってください"], texts=texts)
    assert said[-1].startswith(SENT)
    assert texts == [f"to {MOBILE}:\n{CENTER_BODY}"]
    assert [r["status"] for r in rows(database)] == ["sent"]
    landline = call(app, ["4", "ショートメッセージで送って"], caller="+81312345678")
    assert landline[-1].startswith("申し訳ありません。このお電話には、ショートメッセージをお送りできません。")
