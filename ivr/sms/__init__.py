"""Text messages with a desk's details, for callers from a Japanese mobile who ask for them."""

from __future__ import annotations


def init_app(settings, metrics):
    """The texter the settings ask for (IVR_SMS_FROM, TWILIO_ACCOUNT_SID, IVR_SMS_PER_DAY, …),
    its requests and sends counted in `metrics`; None without IVR_SMS_FROM (no caller is
    offered a text message)."""
    from .texter import texter_for

    return texter_for(settings, metrics)
