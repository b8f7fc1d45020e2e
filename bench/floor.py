"""The floor for this stack: a bare Flask endpoint that reads Twilio's form and returns constant TwiML."""

from flask import Flask, Response, request
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


def create_werkzeug_app():
    """For comparison only: the same answer from werkzeug alone, without Flask's request handling."""
    from werkzeug.wrappers import Request
    from werkzeug.wrappers import Response as PlainResponse

    body = constant_twiml()

    def answer(environ, start_response):
        Request(environ).form.get("Digits")
        return PlainResponse(body, content_type=TWIML)(environ, start_response)

    return answer
