"""The floor for this stack: a bare Flask endpoint that reads Twilio's form and returns constant TwiML."""

from flask import Flask, Response, request
from twilio.twiml.voice_response import VoiceResponse


def create_app() -> Flask:
    """Same framework, same server, same form; no signature check, no call flow."""
    app = Flask(__name__)
    document = VoiceResponse()
    document.say("迷惑メール相談のご案内です。", voice="Polly.Mizuki", language="ja-JP")
    document.hangup()
    body = str(document)

    @app.post("/voice", endpoint="voice")
    @app.post("/voice/step", endpoint="step")
    def answer() -> Response:
        request.form.get("Digits")
        return Response(body, mimetype="text/xml", content_type="text/xml; charset=utf-8")

    return app
