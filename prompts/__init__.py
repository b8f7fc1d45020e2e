"""Gettext catalogs of the line's system phrases (installed as ivr.prompts)."""
