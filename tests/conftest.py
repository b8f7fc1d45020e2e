"""Fixtures: an app factory → app → client, a runner, a pinned Japan clock, the shipped routes.

Every test starts from an environment without the line's variables, in an English locale
(LANG=C.UTF-8), with call records off (IVR_RECORDS_DB=off) unless the test gives a database,
and fails if it leaves a records file in the checkout.

A test that needs other settings calls `make_app(**overrides)`; only the tests of how create_app
reads the environment itself (no token, development mode, IVR_ROUTES) call it directly. Fixtures
shared by several modules live here or in the plugins below, never imported from a test module:
records databases (`database`, `own_postgres`: records_helpers.py) and stand-ins for Twilio's
REST API (`prism`, `twilio`, `stand_in`: twilio_stand_ins.py).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from helpers import OPEN_TUESDAY, ROOT, ROUTES, line_app

from ivr.clock import is_japan_holiday
from ivr.core.flow import CallFlow
from ivr.core.readings import Reader
from ivr.core.wording import load_translations
from ivr.routesfile.examples import load_examples
from ivr.routesfile.loader import load_routes

pytest_plugins = ["records_helpers", "twilio_stand_ins"]

# The load test's modules (loadtest/load.py, hostile.py, pgserver.py) are imported as they are.
sys.path.insert(0, str(ROOT / "loadtest"))

# Hypothesis keeps no example database, and its caches go to a temporary directory: tests
# never write into the checkout.
hypothesis_settings.register_profile("ivr", database=None)
hypothesis_settings.load_profile("ivr")
HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="ivr-hypothesis-")
set_hypothesis_home_dir(HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, HYPOTHESIS_HOME, ignore_errors=True)

# Tests that time speech with Open JTalk run in one xdist worker, so that each path's text is
# timed once (preview keeps each text's timing for the process). Others go by module.
SPEECH_TIMING = ("tests/test_operator_cli.py::", "tests/test_timing.py::", "tests/test_callers_table.py::",
                 "tests/test_cli.py::test_check_accepts_the_shipped_file")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SpeechTimingTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "speech-timing" if nodeid.startswith(SPEECH_TIMING) else super()._split_scope(nodeid)

    return SpeechTimingTogether(config, log)


class Clock:
    """A clock the tests set by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(OPEN_TUESDAY)


SETTINGS_VARIABLES = ("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "IVR_ROUTES", "IVR_DEV",
                      "IVR_TRUSTED_PROXIES", "DATABASE_URL", "IVR_RECORDS_DB", "IVR_RECORDS_TIMEOUT",
                      "IVR_CALLER_HASH_KEY", "IVR_STEP_LOG", "PROMETHEUS_MULTIPROC_DIR", "IVR_RECORDS_SPOOL",
                      "IVR_SMS_FROM", "IVR_SMS_PER_DAY", "IVR_TWILIO_API_URL",
                      "IVR_CONSOLE_SECRET", "IVR_CONSOLE_INSECURE_COOKIES")
CHECKOUT_RECORDS = ROOT / "ivr-records.sqlite3"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No setting leaks in from the shell; records off; nothing written into the checkout."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IVR_RECORDS_DB", "off")
    # The operators' language comes from the locale: English unless a test asks for Japanese.
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Records a test leaves queued go to its own spool, not the shared temporary directory.
    monkeypatch.setenv("IVR_RECORDS_SPOOL", str(tmp_path / "records-spool"))
    existed = CHECKOUT_RECORDS.exists()
    yield
    assert existed or not CHECKOUT_RECORDS.exists(), "the test wrote call records into the checkout"


@pytest.fixture
def make_app(clock):
    """Build the app as production does, with the tests' settings and these over the (clean)
    environment: the shipped routes, the test token, the pinned clock (helpers.line_app).

    Call records are off unless `records_url` is given: they have their own tests.
    """
    def make(**overrides):
        return line_app(clock, **overrides)

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """For the `ivr` commands, which read their settings from the environment, not from an app."""
    return CliRunner()


@pytest.fixture
def routes_copy(tmp_path) -> Path:
    """A copy of the shipped routes.yaml that the test may edit."""
    copy = tmp_path / "routes.yaml"
    copy.write_text(ROUTES.read_text("utf-8"), "utf-8")
    return copy


@pytest.fixture(scope="session")
def routes():
    return load_routes(ROUTES)


@pytest.fixture(scope="session")
def reader():
    return Reader(load_translations())


@pytest.fixture(scope="session")
def examples():
    """The shipped callers' example sentences (ivr/routesfile/examples.tsv)."""
    return load_examples()


@pytest.fixture(scope="session")
def flow(routes, reader, examples):
    """The call flow as the line serves it: the shipped routes and examples."""
    return CallFlow(routes, reader, is_japan_holiday, examples)
