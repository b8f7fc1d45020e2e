"""The Flask edge: Twilio's webhooks and status callback, TwiML, /healthz."""
