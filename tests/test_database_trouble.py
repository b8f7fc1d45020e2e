"""A real `ivr serve` whose records database is in trouble: read-only for a moment, stopped,
deleted, write-locked by another process.

Records and text messages come back by themselves once the database does, and a caller who
asks for a text message hears, within the promised 2 s, either that it is on its way or that
it cannot be sent now, and the number again.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import OPEN_TUESDAY, ROUTES, Served, fetch_health, signed_call, spoken, wait_for
from records_helpers import HASH_KEY, stored
from sms_helpers import CENTER, OFFER, SENT, UNAVAILABLE, rows
from sqlalchemy import event
from twilio_stand_ins import ACCOUNT

from ivr.core.steps import TextMessage
from ivr.records.database import make_engine, upgrade
from ivr.sms.sending import RehearsalSender
from ivr.sms.texter import DatabaseLedger, Limits, Texter

ACCEPTED = (201, {"sid": "SM" + "a" * 32, "status": "queued"})
PROMISED = 2.0  # seconds the line waits, at most, for the database to count a text message
LEEWAY = 1.5  # what gunicorn, the stand-in and a busy machine add to it
# Without root's power to write any file, a file made read-only is read-only to the server too.
AS_OWNER = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def serve_texts(tmp_path, url: str, api_url: str, workers: int = 2) -> Served:
    """`ivr serve` offering text messages, counted in `url`, sent through the stand-in at `api_url`."""
    env = {"IVR_SMS_FROM": "MeiwakuInfo", "TWILIO_ACCOUNT_SID": ACCOUNT,
           "IVR_CALLER_HASH_KEY": HASH_KEY, "IVR_TWILIO_API_URL": api_url,
           "IVR_RECORDS_SPOOL": str(tmp_path / "spool"), "IVR_STEP_LOG": "off"}
    if url.startswith("sqlite:///"):
        env["IVR_RECORDS_DB"] = url.removeprefix("sqlite:///")
    else:
        env["DATABASE_URL"] = url
    served = Served(tmp_path, ROUTES, workers=workers, **env)
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root writes read-only files; setpriv (util-linux) is needed to serve without that")
        served.args[:0] = AS_OWNER
    return served


def caller(n: int) -> dict:
    """Twilio's fields for call `n`, from a Japanese mobile of its own."""
    return {"CallSid": f"CA{n:032x}", "From": f"+8190{n:08d}"}


def to_the_offer(port: int, n: int) -> str:
    """Call `n` up to the center's answer, which offers a text message; where `2` goes from there."""
    status, body = signed_call(port, "/voice", fields=caller(n))
    assert status == 200, body
    action = ET.fromstring(body).find("Gather").get("action")
    status, body = signed_call(port, action, fields=caller(n) | {"Digits": "4"})
    assert status == 200 and OFFER in spoken(ET.fromstring(body)), body
    return ET.fromstring(body).find("Gather").get("action")


def press_two(port: int, n: int, action: str, timeout: float = 30.0) -> tuple[float, str]:
    """Press 2 at the offer: the seconds until the line answered, and what it said."""
    started = time.monotonic()
    status, body = signed_call(port, action, timeout=timeout, fields=caller(n) | {"Digits": "2"})
    seconds = time.monotonic() - started
    assert status == 200, body
    return seconds, spoken(ET.fromstring(body))


def ask_for_text(port: int, n: int, timeout: float = 30.0) -> tuple[float, str]:
    return press_two(port, n, to_the_offer(port, n), timeout)


def refused_in_time(answer: tuple[float, str]) -> None:
    seconds, said = answer
    assert said.startswith(UNAVAILABLE) and said.count(CENTER.replace("、", "")) == 2, said
    assert seconds < PROMISED + LEEWAY, f"the caller waited {seconds:.1f} s"


def texts_in(path) -> list[str]:
    """The statuses of the text messages in the SQLite file at `path`, without creating it."""
    if not path.exists():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [s for (s,) in connection.execute("SELECT status FROM text_messages ORDER BY id")]
    except sqlite3.OperationalError:  # no table yet
        return []
    finally:
        connection.close()


def recovered(port: int, answers: int = 6) -> bool:
    """Every worker that answers /healthz has written records since its last error."""
    for _ in range(answers):
        error = fetch_health(port)["records"]["last_write_error"]
        if error is not None and error["recovered_at"] is None:
            return False
    return True


def test_a_database_read_only_for_a_moment_is_written_again_without_a_restart(tmp_path, stand_in):
    api, twilio = stand_in(ACCEPTED)
    path = tmp_path / "r.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)  # the schema in place, the file in WAL mode as the line keeps it
    engine.dispose()
    reader = sqlite3.connect(path)  # another program reading it (`ivr report`) keeps its WAL open
    reader.execute("SELECT count(*) FROM calls").fetchall()
    with serve_texts(tmp_path, url, api) as served:
        path.chmod(0o444)
        try:
            for n in range(1, 5):
                refused_in_time(ask_for_text(served.port, n))
            wait_for(lambda: "(read-only)" in str(
                fetch_health(served.port)["records"]["last_write_error"]))
        finally:
            path.chmod(0o644)
        # Without a restart: the records queued meanwhile are written, messages counted again.
        wait_for(lambda: len(stored(url)[1]) == 12, 20)
        wait_for(lambda: recovered(served.port), 20)
        for n in range(5, 9):
            seconds, said = ask_for_text(served.port, n)
            assert said.startswith(SENT), said
        wait_for(lambda: texts_in(path) == ["sent"] * 4)
    reader.close()
    assert len(twilio.seen) == 4


def test_a_stalled_postgresql_is_answered_within_the_promise(tmp_path, stand_in, own_postgres):
    api, twilio = stand_in(ACCEPTED)
    with serve_texts(tmp_path, own_postgres.url, api, workers=1) as served:
        assert ask_for_text(served.port, 1)[1].startswith(SENT)
        # Its connection is back in the pool once the message's status is noted.
        wait_for(lambda: [r["status"] for r in rows(own_postgres.url)] == ["sent"])
        waiting = to_the_offer(served.port, 2)
        stopped = own_postgres.pause()  # every process of the server stops (SIGSTOP)
        try:
            answers = [press_two(served.port, 2, waiting, timeout=20),  # a connection it holds
                       ask_for_text(served.port, 3, timeout=20),  # while that one is stuck
                       ask_for_text(served.port, 4, timeout=20)]
        finally:
            own_postgres.resume(stopped)
        for answer in answers:
            refused_in_time(answer)
        # The server goes on: messages are counted and sent again.
        later = iter(range(5, 20))
        wait_for(lambda: ask_for_text(served.port, next(later))[1].startswith(SENT), 30)
    assert len(twilio.seen) == 2


def test_text_messages_follow_the_records_to_the_new_file_when_the_file_is_deleted(tmp_path, stand_in):
    api, twilio = stand_in(ACCEPTED)
    path = tmp_path / "r.sqlite3"
    with serve_texts(tmp_path, f"sqlite:///{path}", api, workers=1) as served:
        assert ask_for_text(served.port, 1)[1].startswith(SENT)
        wait_for(lambda: texts_in(path) == ["sent"])
        for file in tmp_path.glob("r.sqlite3*"):
            file.unlink()
        for n in (2, 3):
            assert ask_for_text(served.port, n)[1].startswith(SENT)
        wait_for(lambda: len(twilio.seen) == 3)
        # Both messages sent after the deletion are counted, in the file now at that path.
        wait_for(lambda: texts_in(path) == ["sent", "sent"])
        # The records are written a little later, in batches. Whichever of the two opens the path
        # first makes the new file; the other finds a file that is not the one it had: replaced.
        for whose in ("records database", "text messages' database"):
            wait_for(lambda: re.search(f"{whose} {re.escape(str(path))} was (deleted|replaced) "
                                       "while in use", served.log()))
    assert re.search(f"database {re.escape(str(path))} was deleted while in use", served.log())


def test_a_write_locked_sqlite_file_answers_32_callers_at_once_within_the_promise(tmp_path, stand_in):
    api, twilio = stand_in(ACCEPTED)
    path = tmp_path / "r.sqlite3"
    with serve_texts(tmp_path, f"sqlite:///{path}", api, workers=1) as served:
        assert ask_for_text(served.port, 1)[1].startswith(SENT)
        offers = {n: to_the_offer(served.port, n) for n in range(2, 34)}
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        try:
            with ThreadPoolExecutor(len(offers)) as callers:
                answers = list(callers.map(lambda n: press_two(served.port, n, offers[n]), offers))
        finally:
            holder.rollback()
            holder.close()
        for answer in answers:
            refused_in_time(answer)
        assert ask_for_text(served.port, 34)[1].startswith(SENT)
    wait_for(lambda: len(twilio.seen) == 2)


# -- the count of text messages alone, in-process --------------------------------------------

class HeldSender(RehearsalSender):
    """Sends once the test lets it."""

    def __init__(self):
        super().__init__()
        self.arrived, self.release = threading.Event(), threading.Event()

    def send(self, to: str, body: str) -> str:
        self.arrived.set()
        assert self.release.wait(10)
        return super().send(to, body)


def a_text(texter: Texter, n: int = 1) -> str | None:
    return texter.request(f"CA{n:032x}", f"+8190{n:08d}", f"hash-{n}", TextMessage("center", "本文"),
                          OPEN_TUESDAY)


def test_a_message_counted_in_a_file_deleted_before_it_was_sent_is_counted_in_the_new_one(tmp_path, caplog):
    path = tmp_path / "r.sqlite3"
    failures = []
    sender = HeldSender()
    texter = Texter(DatabaseLedger(f"sqlite:///{path}", on_failure=failures.append), sender, Limits(),
                    on_lost=failures.append)
    assert a_text(texter) is None
    assert sender.arrived.wait(10) and texts_in(path) == ["queued"]
    for file in tmp_path.glob("r.sqlite3*"):
        file.unlink()
    sender.release.set()
    assert texter.drain(10)
    assert texts_in(path) == ["sent"]
    assert failures == ["database_deleted"]
    assert f"text messages' database {path} was deleted" in caplog.text
    assert "counted again in the new one, as sent" in caplog.text


def test_a_count_that_comes_after_the_caller_was_answered_is_not_kept(tmp_path):
    path = tmp_path / "r.sqlite3"
    ledger = DatabaseLedger(f"sqlite:///{path}", timeout=0.3)
    sender = RehearsalSender()
    texter = Texter(ledger, sender, Limits(), background=False)
    slow, counted = threading.Event(), threading.Event()

    @event.listens_for(ledger.engine(), "before_cursor_execute")
    def hold(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO text_messages") and not slow.is_set():
            slow.set()
            time.sleep(1.5)
            counted.set()

    started = time.monotonic()
    assert a_text(texter) == "unavailable"
    assert time.monotonic() - started < 1.2, "the caller waited for the slow count"
    assert counted.wait(5)
    time.sleep(0.3)  # the count goes on, finds its caller answered, and rolls back
    assert texts_in(path) == [] and sender.outbox == []


def test_a_count_committed_after_the_caller_was_answered_is_noted_as_dropped(tmp_path, caplog):
    path = tmp_path / "r.sqlite3"
    ledger = DatabaseLedger(f"sqlite:///{path}", timeout=0.3)
    texter = Texter(ledger, RehearsalSender(), Limits(), background=False)
    slow = threading.Event()

    @event.listens_for(ledger.engine(), "commit")
    def hold(conn):
        if not slow.is_set():
            slow.set()
            time.sleep(0.6)

    assert a_text(texter) == "unavailable"
    wait_for(lambda: texts_in(path) == ["dropped"], 5)
    assert "counted after its caller was answered" in caplog.text
