"""The floors for this stack: Flask endpoints that read Twilio's form and return constant TwiML.

The secure floor also checks the request's signature as the line does, with twilio's
RequestValidator: the least a webhook that may face the internet can do.
"""

import os

from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

TWIML = "text/xml; charset=utf-8"


def constant_twiml() -> str:
    """One short Japanese sentence, then hang up."""
    document = VoiceResponse()
    document.say("迷惑メール相談のご案内です。", voice="Polly.Mizuki", language="ja-JP")
    document.hangup()
    return str(document)


def create_app() -> Flask:
    """Same framework, same server, same form; no signature check, no call flow."""
    app = Flask(__name__)
    body = constant_twiml()

    @app.post("/voice", endpoint="voice")
    @app.post("/voice/step", endpoint="step")
    def answer() -> Response:
        request.form.get("Digits")
        return Response(body, mimetype="text/xml", content_type=TWIML)

    return app


def create_secure_app() -> Flask:
    """The secure floor: the form read, one RequestValidator check (TWILIO_AUTH_TOKEN), constant TwiML."""
    app = Flask(__name__)
    body = constant_twiml()
    token = os.environ["TWILIO_AUTH_TOKEN"]

    @app.post("/voice", endpoint="voice")
    @app.post("/voice/step", endpoint="step")
    def answer() -> Response:
        query = request.query_string.decode("latin-1")
        url = f"{request.base_url}?{query}" if query else request.base_url
        if not RequestValidator(token).validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        return Response(body, mimetype="text/xml", content_type=TWIML)

    return app


def create_werkzeug_app():
    """For comparison only: the same answer from werkzeug alone, without Flask's request handling."""
    from werkzeug.wrappers import Request
    from werkzeug.wrappers import Response as PlainResponse

    body = constant_twiml()

    def answer(environ, start_response):
        Request(environ).form.get("Digits")
        return PlainResponse(body, content_type=TWIML)(environ, start_response)

    return answer
