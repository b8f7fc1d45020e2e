"""Call records: tables, summary, database, writer, step listener, monthly report, commands."""

from __future__ import annotations


def init_app(settings, bus, metrics):
    """The record writer the settings ask for (IVR_RECORDS_DB, IVR_RECORDS_SPOOL,
    IVR_RECORDS_TIMEOUT), its step and call-end handlers subscribed to `bus`, its failures
    counted in `metrics`; None with call records off."""
    from .listener import writer_for

    return writer_for(settings, bus, metrics)
