"""The line's pure core: the routes model, hours, contacts, readings, wording, the call flow.

Nothing here imports Flask, Werkzeug, Twilio or SQLAlchemy, does I/O on a call's path or
reads the clock: the moment and the holiday calendar are passed in.
"""
