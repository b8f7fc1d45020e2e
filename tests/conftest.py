"""Fixtures: app → client → runner, a pinned Japan clock, the shipped routes."""

from __future__ import annotations

from datetime import datetime

import holidays
import pytest
from click.testing import CliRunner
from helpers import OPEN_TUESDAY, ROUTES, TOKEN

from ivr.app import create_app
from ivr.core.flow import CallFlow
from ivr.core.wording import load_translations
from ivr.routesfile.loader import load_routes
from ivr.core.readings import Reader


class Clock:
    """A clock the tests set by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(OPEN_TUESDAY)


@pytest.fixture
def app(clock, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("IVR_DEV", raising=False)
    return create_app({"TWILIO_AUTH_TOKEN": TOKEN, "IVR_ROUTES": str(ROUTES), "CLOCK": clock,
                       "RECORDS_URL": ""})  # call records have their own tests and databases


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def routes():
    return load_routes(ROUTES)


@pytest.fixture(scope="session")
def reader():
    return Reader(load_translations())


@pytest.fixture(scope="session")
def flow(routes, reader):
    return CallFlow(routes, reader, holidays.country_holidays("JP").__contains__)
