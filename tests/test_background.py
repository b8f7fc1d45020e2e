"""The background queue under the records writer and the text message sender: its fork and its exit."""

from __future__ import annotations

import subprocess
import sys
import threading

from helpers import OPEN_TUESDAY, ROOT

from ivr.core.steps import TextMessage
from ivr.sms.sending import RehearsalSender
from ivr.sms.texter import Limits, MemoryLedger, Texter

FORKED = """
import os, signal, threading
from ivr.records.background import BackgroundQueue

class Noted(BackgroundQueue):
    def __init__(self):
        self.done, self.go = [], threading.Event()
        super().__init__(capacity=10)

    def _handle(self, batch):
        self.go.wait()
        self.done += [(os.getpid(), item) for item in batch]
        with self._cond:
            self._pop(len(batch))

    def _hand_over(self, left):
        pass

queue = Noted()
queue._put("the parent's")  # still queued at the fork: its thread waits
held, release = threading.Event(), threading.Event()

def hold():
    with queue._cond:
        held.set()
        release.wait()

threading.Thread(target=hold).start()
held.wait()
child = os.fork()  # while another thread holds the queue's lock
if child == 0:
    signal.alarm(20)  # a child stuck on its parent's lock ends
    queue.go.set()
    queue._put("the child's")
    drained = queue.drain(5)
    print(drained, queue._thread.name, [item for pid, item in queue.done if pid == os.getpid()])
    os._exit(0)
os.waitpid(child, 0)
release.set()
queue.go.set()
print(queue.drain(5), queue.done == [(os.getpid(), "the parent's")], queue.close())
"""


def test_a_forked_child_starts_a_queue_and_thread_of_its_own():
    done = subprocess.run([sys.executable, "-c", FORKED], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2, "the forked child did not finish: stuck on a lock its parent's thread held"
    child, parent = lines
    assert child == "True ivr-queue [\"the child's\"]"  # the parent's item is the parent's alone
    assert parent == "True True 0"


class HeldSender(RehearsalSender):
    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def send(self, to: str, body: str) -> str:
        self.release.wait(10)
        return super().send(to, body)


def test_messages_left_at_exit_are_logged_as_not_sent(caplog):
    sender = HeldSender()
    texter = Texter(MemoryLedger(), sender, Limits())
    for n in (1, 2):
        assert texter.request(f"CA{n:032x}", f"+8190{n:08d}", f"hash-{n}",
                              TextMessage("center", "本文"), OPEN_TUESDAY) is None
    assert texter.close(timeout=0.1) == 2  # the first still with Twilio, the second queued
    sender.release.set()
    assert caplog.text.count("text message for desk center not sent (its row stays queued)") == 2
