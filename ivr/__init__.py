"""A Japanese phone triage line for people troubled by spam and scam email.

Importing the package loads nothing else: the web app is built by `ivr.app.create_app`.
"""
