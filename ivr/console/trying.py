"""Try a call: the real line, in this process, answers signed requests as Twilio would send
them (the terminal phone of `ivr call`), for the draft or the published version, at any date
and time; the keys pressed and words said travel in the form, and the call is played again from
its first ring at each step. What the caller hears can be listened to in Open JTalk's voice, an
approximation of the voice Twilio uses."""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import shutil
import tempfile
import threading
import wave
from collections import OrderedDict
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request

from ..core.hours import JAPAN
from ..operators.phone import Call, Said, quiet_server_log, rehearsal_texter
from ..operators.preview import open_jtalk, quiet
from .auth import console
from .describe import moment_text
from .forms import TryForm
from .i18n import tr

bp = Blueprint("trying", __name__)
MAX_INPUTS = 30
APPS_KEPT = 4
AUDIO_CHARACTERS = 2000
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
MOBILE = "+819012345678"
LANDLINE = "+81312345678"
_moment: ContextVar[datetime] = ContextVar("moment")
_apps: OrderedDict[str, tuple] = OrderedDict()
_lock = threading.Lock()
_folder: Path | None = None


def _rehearsal_folder() -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="ivr-console-try-"))
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    return _folder


def rehearsal_app(text: str):
    """The real line for this text, with a throw-away token; its clock is the moment tried."""
    from ..app import create_app

    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _lock:
        if key in _apps:
            _apps.move_to_end(key)
            return _apps[key]
        path = _rehearsal_folder() / f"{key[:16]}.yaml"
        path.write_text(text, encoding="utf-8")
        token = hashlib.sha256(key.encode() + b"token").hexdigest()[:32]
        with quiet_server_log():
            app = create_app({"auth_token": token, "routes": str(path), "dev": False, "records_url": None,
                              "caller_hash_key": token, "sms_texter": rehearsal_texter(),
                              "clock": _clock, "step_log": "off", "metrics_dir": None})
        _apps[key] = (app, token)
        while len(_apps) > APPS_KEPT:
            _apps.popitem(last=False)
        return app, token


def _clock() -> datetime:
    return _moment.get(None) or datetime.now(JAPAN)


def parse_inputs(raw: str) -> list[str]:
    """The caller's inputs so far: "k1" a key, "k" silence, "s…" words."""
    try:
        inputs = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(inputs, list):
        return []
    return [i for i in inputs if isinstance(i, str) and i[:1] in "ks" and len(i) <= 201][:MAX_INPUTS]


def play(text: str, moment: datetime, inputs: list[str], mobile: bool):
    """The call from its first ring with these inputs: (steps, finished).

    Each step is (what the caller did, the sentences heard after it, other events).
    """
    app, token = rehearsal_app(text)
    queue = list(inputs)

    def press():
        if not queue:
            return None
        item = queue.pop(0)
        return Said(item[1:]) if item[0] == "s" else item[1:]

    events = []
    reset = _moment.set(moment)
    try:
        with quiet_server_log():
            Call(app, token, MOBILE if mobile else LANDLINE).run(press, events.append)
    finally:
        _moment.reset(reset)
    finished = True
    if events and events[-1].kind == "hangup" and events[-1].text == "caller hangs up":
        events.pop()
        finished = False
    steps = [[None, [], []]]
    for event in events:
        if event.kind in ("press", "speak", "silence"):
            steps.append([event, [], []])
        elif event.kind == "say":
            steps[-1][1].append(event.text)
        else:
            steps[-1][2].append(event)
    return steps, finished


def _text_for(source: str):
    site = console()
    text, draft, version = site.working()
    if source == "draft" and draft is not None:
        return draft.text, "draft"
    return version.text, "published"


def _event_text(event) -> str:
    if event.kind == "press":
        # TRANSLATORS: try a call: the caller pressed a key.
        return tr("Pressed %(key)s", key=event.text)
    if event.kind == "silence":
        # TRANSLATORS: try a call: the caller pressed nothing.
        return tr("Said and pressed nothing")
    if event.kind == "speak":
        # TRANSLATORS: try a call: the caller said these words.
        return tr("Said: %(words)s", words=event.text)
    if event.kind == "dial":
        # TRANSLATORS: try a call: the line puts the call through to a number.
        return tr("Put through to %(number)s", number=event.text.split(" (")[0])
    if event.kind == "sms":
        # TRANSLATORS: try a call: the text message that would be sent (nothing is sent).
        return tr("Text message (not sent): %(body)s", body=event.text.split(":\n", 1)[-1])
    if event.kind == "hangup":
        # TRANSLATORS: try a call: the line ended the call.
        return tr("The line hangs up")
    return event.text


@bp.route("/try", methods=["GET", "POST"])
def try_call():
    site = console()
    form = TryForm()
    draft = site.draft()
    if request.method == "GET":
        form.source.data = "draft" if draft else "published"
        form.at.data = site.now().replace(tzinfo=None, second=0, microsecond=0)
        return render_template("try.html", form=form, steps=None, keys=KEYS, draft=draft,
                               speech=open_jtalk() is not None)
    if not form.validate():
        return render_template("try.html", form=form, steps=None, keys=KEYS, draft=draft,
                               speech=open_jtalk() is not None), 400
    inputs = [] if "restart" in request.form else parse_inputs(form.inputs.data)
    pressed = request.form.get("press")
    if pressed in KEYS:
        inputs.append("k" + pressed)
    elif pressed == "silence":
        inputs.append("k")
    elif "say" in request.form and (form.words.data or "").strip():
        inputs.append("s" + form.words.data.strip()[:200])
    inputs = inputs[:MAX_INPUTS]
    moment = (form.at.data or site.now().replace(tzinfo=None)).replace(tzinfo=JAPAN)
    text, source = _text_for(form.source.data)
    loaded = site.load(text)
    if not loaded.ok:
        text, source = _text_for("published")
    steps, finished = play(text, moment, inputs, form.mobile.data)
    form.inputs.data = json.dumps(inputs, ensure_ascii=False)
    form.words.data = ""
    rows = [(_event_text(did) if did else None, heard, [_event_text(e) for e in other])
            for did, heard, other in steps]
    return render_template("try.html", form=form, steps=rows, finished=finished, keys=KEYS, draft=draft,
                           source=source, moment=moment_text(moment), speech=open_jtalk() is not None,
                           audio_query={"source": source, "at": moment.strftime("%Y-%m-%dT%H:%M"),
                                        "inputs": form.inputs.data,
                                        "mobile": "1" if form.mobile.data else ""})


def wav_bytes(text: str) -> bytes:
    """Open JTalk's voice saying the text, as a 16-bit mono WAV."""
    import numpy

    engine = open_jtalk()
    with quiet():
        audio, rate = engine.tts(text)
    samples = numpy.clip(audio, -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(rate))
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


@bp.route("/try/audio.wav")
def audio():
    """What the caller heard after their last input, in Open JTalk's voice."""
    if open_jtalk() is None:
        abort(404)
    try:
        moment = datetime.strptime(request.args.get("at", ""), "%Y-%m-%dT%H:%M").replace(tzinfo=JAPAN)
    except ValueError:
        abort(400)
    text, _ = _text_for(request.args.get("source", "published"))
    if not console().load(text).ok:
        text, _ = _text_for("published")
    steps, _ = play(text, moment, parse_inputs(request.args.get("inputs", "")), bool(request.args.get("mobile")))
    heard = "".join(steps[-1][1])[:AUDIO_CHARACTERS]
    if not heard:
        abort(404)
    return Response(wav_bytes(heard), mimetype="audio/wav", headers={"Cache-Control": "private, max-age=300"})
