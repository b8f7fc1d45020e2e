"""What the maintainers watch: the Grafana dashboard, the alert rules and the metrics they name.

infra/grafana/ holds the dashboard, infra/prometheus/ the rules (and their promtool unit tests),
infra/k8s/monitoring/ the same rules as a PrometheusRule; docs/monitoring.md the runbooks.
promtool comes from Debian's prometheus package (.ci/setup.d/prometheus.sh): without it these
tests are skipped on a developer's machine, and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from helpers import ROOT, ROUTES, TOKEN, wait_for
from prometheus_client.parser import text_string_to_metric_families
from records_helpers import CALLER, drained, place_call, record_app

from ivr.core.hours import is_open
from ivr.routesfile.loader import RoutesError
from ivr.routesfile.reader import Problem
from ivr.operators.phone import Call, scripted
from ivr.sms.sending import RehearsalSender
from ivr.sms.texter import DatabaseLedger, Limits, Texter
from ivr.web import wired

INFRA = ROOT / "infra"
DASHBOARD = INFRA / "grafana" / "meiwaku-ivr.json"
RULES = INFRA / "prometheus" / "rules.yml"
RULE_TESTS = sorted((INFRA / "prometheus").glob("*.test.yml"))
OPERATOR = INFRA / "k8s" / "monitoring"
OPERATOR_RULE = OPERATOR / "prometheusrule.yaml"
RUNBOOKS = ROOT / "docs" / "monitoring.md"
MOBILE = "+819012345678"

# The alerts the maintainers asked for, each by what it watches.
ALERTS = {
    "IvrRecordsBacklog": "ivr_record_queue_oldest_seconds",
    "IvrRecordWriteErrors": "ivr_record_last_write_error_timestamp_seconds",
    "IvrRecordsLost": "ivr_record_write_failures_total",
    "IvrRoutesReloadRefused": "ivr_routes_reload_refused",
    "IvrWebhookErrors": "ivr_step_outcomes_total",
    "IvrWebhookSignaturesRefused": "ivr_refused_signatures_total",
    "IvrTextMessagesFailing": "ivr_sms_sends_total",
    "IvrTextMessagesDailyLimit": "ivr_sms_requests_total",
    "IvrNoCallsInOpeningHours": "ivr_http_requests_total",
}


# -- promtool -----------------------------------------------------------------------


def promtool() -> str:
    """promtool's path; a skip on a developer's machine without it, a failure in CI."""
    found = shutil.which("promtool")
    if found is None:
        reason = "promtool is not installed (Debian's prometheus package; .ci/setup.d/prometheus.sh)"
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(reason + ", and CI must run these tests")
        pytest.skip(reason)
    return found


def run_promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_promtool_is_required_in_ci(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run"):
        promtool()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        promtool()


# -- the metrics the line exports --------------------------------------------------------


def texting_app(tmp_path, clock):
    """The line with records in SQLite and text messages counted there and only printed."""
    database = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    texter = Texter(DatabaseLedger(database), RehearsalSender(), Limits(), background=False)
    # Settings given in full: a module's fixture is made before the environment is cleaned.
    return record_app(database, clock, sms_texter=texter, routes=str(tmp_path / "routes.yaml"),
                      records_spool=str(tmp_path / "spool"), metrics_dir=None)


def scrape(app) -> str:
    """The text /metrics serves: the gauges brought up to date, then every worker's metrics."""
    body, content_type = wired(app).metrics.exposition()
    assert content_type.startswith("text/plain")
    return body.decode("utf-8")


def sample_names(family_name: str, kind: str) -> set[str]:
    """The series names a family of this type is exported as."""
    suffixes = {"counter": ["_total", "_created"], "histogram": ["_bucket", "_count", "_sum", "_created"],
                "summary": ["", "_count", "_sum", "_created"], "gauge": [""], "info": ["_info"]}
    return {family_name + suffix for suffix in suffixes.get(kind, [""])}


@pytest.fixture(scope="module")
def scraped(tmp_path_factory) -> str:
    """/metrics after calls of every kind: answers, a busy and a connected transfer, a text
    message, words not understood, an unknown path and a refused routes file."""
    from conftest import Clock
    from helpers import OPEN_TUESDAY

    tmp_path = tmp_path_factory.mktemp("scraped")
    shutil.copy(ROUTES, tmp_path / "routes.yaml")
    app = texting_app(tmp_path, Clock(OPEN_TUESDAY))
    place_call(app, ["4", "1"], dial_status="busy")  # the center, transfer, busy
    place_call(app, ["4", "1"])  # the center, transferred
    place_call(app, ["1", "1", "-"])  # a submenu, then an answer heard
    place_call(app, ["4", "2"], caller=MOBILE)  # a text message
    events = Call(app, TOKEN, CALLER).run(scripted(["-", "-"], said="ええと、その"), lambda e: None)
    assert any(e.kind == "speak" for e in events)
    app.test_client().get("/no/such/page")
    # With records on, callers hear the version published in the database: a version this server
    # cannot load is refused as a broken file would be.
    line = wired(app).line
    line.refuse(RoutesError([Problem("routes.yaml (version 2)", 1, (), "a version this server cannot load")]))
    assert line.last_refused is not None
    drained(app)
    return scrape(app)


@pytest.fixture(scope="module")
def exported(scraped) -> set[str]:
    """Every series name the line exports: those /metrics shows, and every family the metrics
    module registers (a labelled counter shows no series until it has counted)."""
    from ivr.observability.metrics import Metrics

    names = set()
    for family in text_string_to_metric_families(scraped):
        names |= {sample.name for sample in family.samples} | sample_names(family.name, family.type)
    for family in Metrics().registry.collect():
        names |= sample_names(family.name, family.type)
    return names


def test_the_driven_calls_show_in_the_series_the_dashboard_plots(scraped):
    shown = {("ivr_answers_total", (("desk", "center"),)), ("ivr_answers_total", (("desk", "hotline"),)),
             ("ivr_transfers_total", (("outcome", "transfer_busy"),)),
             ("ivr_transfers_total", (("outcome", "transferred"),)),
             ("ivr_spoken_total", (("topic", "not_understood"),)),
             ("ivr_sms_requests_total", (("result", "queued"),)), ("ivr_sms_sends_total", (("result", "sent"),)),
             ("ivr_calls_ended_total", (("status", "completed"),)), ("ivr_records_written_total", ()),
             ("ivr_http_requests_total", (("endpoint", "unmatched"), ("status", "404"))),
             ("ivr_http_requests_total", (("endpoint", "ivr.voice"), ("status", "200"))),
             ("ivr_step_seconds_count", (("endpoint", "ivr.dialed"),)),
             ("ivr_routes_reload_failures_total", ()), ("ivr_routes_reload_refused", ())}
    found = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
             for family in text_string_to_metric_families(scraped) for sample in family.samples}
    assert {series for series in shown if found.get(series, 0) < 1} == set()


# -- PromQL: the metric names a query reads ---------------------------------------------

PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
                "bool", "offset", "inf", "nan"}
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1d", "$job": ".+",
                     "${job}": ".+"}


def grafana_to_promql(expr: str) -> str:
    """A panel's query as Prometheus would get it, with Grafana's variables filled in."""
    for variable in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(variable, GRAFANA_VARIABLES[variable])
    assert "$" not in expr, f"a variable the test does not know: {expr}"
    return expr


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\b\d+(\.\d+)?([eE][+-]?\d+)?[smhdwy]?\b", " ", text)  # numbers, durations
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        if text[match.end():].lstrip().startswith("("):
            continue  # a function or an aggregation
        if match.group(0).lower() not in PROMQL_WORDS:
            names.add(match.group(0))
    return names


def test_metric_names_are_read_from_queries():
    assert metric_names('sum by (desk) (rate(ivr_answers_total{job=~".+", desk!="x"}[5m])) * 60') == {
        "ivr_answers_total"}
    assert metric_names("histogram_quantile(0.95, sum by (le) (rate(ivr_step_seconds_bucket[5m])))") == {
        "ivr_step_seconds_bucket"}
    assert metric_names("time() - max without (instance, pod) (a_b) < 120 or on () vector(0) "
                        "unless c offset 10m") == {"a_b", "c"}


def unknown_names(expr: str, exported: set[str]) -> set[str]:
    names = metric_names(expr)
    assert names, f"the query names no metric: {expr}"
    return names - exported


def test_a_misspelt_metric_is_caught(exported):
    assert unknown_names('sum(rate(ivr_answer_total{job=~".+"}[5m]))', exported) == {"ivr_answer_total"}
    assert unknown_names("sum(rate(ivr_step_seconds[5m]))", exported) == {"ivr_step_seconds"}
    assert unknown_names("ivr_record_queue_depth", exported) == set()


# -- the Grafana dashboard ---------------------------------------------------------------


@cache
def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels() -> list[dict]:
    found = []
    for panel in dashboard()["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))  # a collapsed row keeps its panels inside it
    return found


def queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every panel target and every query variable."""
    found = [(panel["title"], target["expr"]) for panel in panels() for target in panel.get("targets", [])]
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            query = query["query"] if isinstance(query, dict) else query
            match = re.fullmatch(r"label_values\((.+),\s*\w+\)", query)
            found.append((f"variable {variable['name']}", match.group(1) if match else query))
    return found


def test_dashboard_is_importable_as_is():
    board = dashboard()
    assert isinstance(board["schemaVersion"], int) and board["schemaVersion"] >= 36
    assert board["id"] is None and board["uid"] and board["title"]
    assert "__inputs" not in board, "a provisioned file gets no import inputs: use the variable"
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    source = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    assert variables["job"]["datasource"] == source
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    for panel in panels():
        assert panel["type"] in {"row", "timeseries", "stat"}, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == source, panel["title"]
        assert panel["title"].isascii() and panel["description"], panel["title"]
        refs = [target["refId"] for target in panel["targets"]]
        assert refs and len(refs) == len(set(refs)), panel["title"]
        assert all(target["datasource"] == source and target["expr"] for target in panel["targets"])


def test_dashboard_panels_tile_the_grid():
    taken = set()
    for panel in panels():
        grid = panel["gridPos"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                 for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells


def test_dashboard_shows_what_the_maintainers_asked_for():
    text = " ".join(expr for _, expr in queries())
    for wanted in ('endpoint="ivr.voice"', "ivr_step_seconds_count", "ivr_answers_total", "not_understood",
                   "ivr_transfers_total", "ivr_sms_requests_total", "ivr_sms_sends_total",
                   "ivr_record_queue_depth", "ivr_record_queue_oldest_seconds",
                   "ivr_routes_reload_refused", "ivr_routes_reload_failures_total", 'status=~"4..|5.."'):
        assert wanted in text, wanted


def test_every_dashboard_query_names_a_metric_the_line_exports(exported):
    unknown = {title: unknown_names(grafana_to_promql(expr), exported) for title, expr in queries()}
    assert {title: names for title, names in unknown.items() if names} == {}


def test_every_dashboard_query_is_promql(tmp_path):
    """promtool parses each query (with Grafana's variables filled in) as a recording rule."""
    rules = [{"record": f"dashboard:query_{i}", "expr": grafana_to_promql(expr)}
             for i, (_, expr) in enumerate(queries())]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    done = run_promtool("check", "rules", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    path.write_text(yaml.safe_dump({"groups": [{"name": "x", "rules": [
        {"record": "x:y", "expr": "sum(rate(ivr_answers_total[5m])"}]}]}), encoding="utf-8")
    assert run_promtool("check", "rules", str(path)).returncode != 0, "promtool catches a broken query"


# -- the alert rules -----------------------------------------------------------------------


@cache
def plain_rules() -> dict:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


def alerts() -> list[dict]:
    return [rule for group in plain_rules()["groups"] for rule in group["rules"] if "alert" in rule]


def test_the_rules_are_valid_for_promtool():
    done = run_promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("tests", RULE_TESTS, ids=lambda p: p.name)
def test_the_rules_pass_their_unit_tests(tests):
    done = run_promtool("test", "rules", tests.name, cwd=tests.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_unit_tests_cover_the_alerts_that_matter():
    tested = {case["alertname"] for path in RULE_TESTS
              for test in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
              for case in test.get("alert_rule_test", [])
              if case.get("exp_alerts")}
    assert set(ALERTS) <= tested


def test_the_unit_tests_can_fail(tmp_path):
    """The same tests against rules whose backlog threshold is wrong fail."""
    for path in RULE_TESTS:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "rules.yml").write_text(
        RULES.read_text(encoding="utf-8").replace("ivr_record_queue_oldest_seconds) > 120",
                                                  "ivr_record_queue_oldest_seconds) > 600"), encoding="utf-8")
    done = run_promtool("test", "rules", "rules.test.yml", cwd=tmp_path)
    assert done.returncode != 0 and "IvrRecordsBacklog" in done.stdout + done.stderr


def test_each_alert_asked_for_is_there_and_reads_its_metric(exported):
    by_name = {rule["alert"]: rule for rule in alerts()}
    assert set(by_name) == set(ALERTS)
    for name, metric in ALERTS.items():
        assert metric in metric_names(by_name[name]["expr"]), name


def test_every_rule_names_metrics_the_line_exports(exported):
    unknown = {rule["alert"]: unknown_names(rule["expr"], exported) for rule in alerts()}
    assert {name: names for name, names in unknown.items() if names} == {}


def test_every_alert_has_a_severity_a_summary_and_a_runbook():
    anchors = markdown_anchors(RUNBOOKS.read_text(encoding="utf-8"))
    for rule in alerts():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], rule["alert"]
        page, _, anchor = annotations["runbook_url"].partition("#")
        assert page == str(RUNBOOKS.relative_to(ROOT)), rule["alert"]
        assert anchor == rule["alert"].lower() and anchor in anchors, rule["alert"]


def markdown_anchors(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    anchors = set()
    for line in text.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"\s", "-", re.sub(r"[^\w\- ]", "", title)))
    return anchors


def test_the_runbooks_say_what_the_hours_rule_cannot_know():
    text = RUNBOOKS.read_text(encoding="utf-8")
    section = text.split("\n### IvrNoCallsInOpeningHours\n", 1)[1].split("\n#", 1)[0]
    for word in ("UTC+9", "holiday", "calendar", "29 December"):
        assert word in section, word


def test_the_hours_rule_follows_the_centers_hours_in_routes_yaml(routes, tmp_path):
    """Every half hour of 1 to 15 January 1970, the opening-hours alert fires on a line with no
    calls exactly when the center (routes.yaml) was open the whole past hour, holidays aside."""
    center = routes.desks["center"].hours
    rule = next(rule for rule in alerts() if rule["alert"] == "IvrNoCallsInOpeningHours")
    cases = []
    for step in range(2, 15 * 48):
        at = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=30 * step)
        open_hour = all(is_open(center, at - timedelta(minutes=m), lambda day: False) for m in range(61))
        cases.append({"eval_time": f"{30 * step}m", "alertname": rule["alert"], "exp_alerts": [
            {"exp_labels": {"severity": rule["labels"]["severity"], "job": "quiet"},
             "exp_annotations": rule["annotations"]}] if open_hour else []})
    assert sum(1 for case in cases if case["exp_alerts"]) == 9 * 8, "eight half hours on each of nine weekdays"
    shutil.copy(RULES, tmp_path / "rules.yml")
    (tmp_path / "hours.test.yml").write_text(yaml.safe_dump({
        "rule_files": ["rules.yml"], "evaluation_interval": "30m",
        "tests": [{"interval": "30m", "alert_rule_test": cases, "input_series": [{
            "series": 'ivr_http_requests_total{job="quiet", instance="a", endpoint="ivr.voice", status="200"}',
            "values": "3x800"}]}]}, allow_unicode=True), encoding="utf-8")
    done = run_promtool("test", "rules", "hours.test.yml", cwd=tmp_path)
    assert done.returncode == 0, (
        "IvrNoCallsInOpeningHours (infra/prometheus/rules.yml) no longer matches the center's hours in "
        "routes.yaml: change its hour(), day_of_week() and year-end conditions\n" + done.stdout[-3000:])


# -- the Prometheus Operator's PrometheusRule ----------------------------------------------

DURATION = {"type": "string", "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?"
                                         r"(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"}
STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
# The fields of monitoring.coreos.com/v1 PrometheusRule's spec (the operator's CRD), strictly:
# an unknown field is an error here, where the API server would silently drop it.
PROMETHEUS_RULE_SPEC = {
    "type": "object", "additionalProperties": False, "required": ["groups"],
    "properties": {"groups": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["name", "rules"],
        "properties": {
            "name": {"type": "string", "minLength": 1}, "interval": DURATION, "limit": {"type": "integer"},
            "query_offset": DURATION, "partial_response_strategy": {"type": "string"}, "labels": STRINGS,
            "rules": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["expr"],
                "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
                "properties": {
                    "alert": {"type": "string"}, "record": {"type": "string"},
                    "expr": {"type": ["string", "integer"]}, "for": DURATION, "keep_firing_for": DURATION,
                    "labels": STRINGS, "annotations": STRINGS}}}}}}},
}


@cache
def operator_rule() -> dict:
    (rule,) = [doc for doc in yaml.safe_load_all(OPERATOR_RULE.read_text(encoding="utf-8")) if doc]
    return rule


def test_the_operator_rule_holds_the_same_rules():
    rule = operator_rule()
    assert rule["spec"] == plain_rules(), (
        "infra/k8s/monitoring/prometheusrule.yaml differs from infra/prometheus/rules.yml: its spec is "
        "that file indented by two spaces")


def test_the_operator_rule_is_a_valid_prometheus_rule():
    import jsonschema

    rule = operator_rule()
    assert set(rule) == {"apiVersion", "kind", "metadata", "spec"}
    assert (rule["apiVersion"], rule["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    jsonschema.validate(rule["spec"], PROMETHEUS_RULE_SPEC)
    # Its metadata is an ordinary ObjectMeta, which Kubernetes' own schema checks strictly.
    carrier = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": rule["metadata"]}
    kubernetes_validate.validate(carrier, "1.27", strict=True)
    with pytest.raises(jsonschema.ValidationError, match="forr"):
        broken = json.loads(json.dumps(rule["spec"]))
        broken["groups"][0]["rules"][0]["forr"] = "5m"
        jsonschema.validate(broken, PROMETHEUS_RULE_SPEC)


def test_the_operator_rule_passes_promtool(tmp_path):
    path = tmp_path / "spec.yml"
    path.write_text(yaml.safe_dump(operator_rule()["spec"], allow_unicode=True), encoding="utf-8")
    done = run_promtool("check", "rules", str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_monitoring_kustomization_lists_its_files():
    kustomization = yaml.safe_load((OPERATOR / "kustomization.yaml").read_text(encoding="utf-8"))
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in OPERATOR.glob("*.yaml") if p.name != "kustomization.yaml")
    main = yaml.safe_load((INFRA / "k8s" / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "monitoring" not in main["resources"], (
        "the PrometheusRule needs the operator's CRD: `kubectl apply -k infra/k8s` must work without it")


# -- the metrics the dashboard and the alerts needed ----------------------------------------


def value(text: str, name: str, **labels) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def publish(routes: Path, text: str) -> None:
    """Replace the file whole, as a ConfigMap update does: the watcher never reads it half written."""
    staged = routes.with_name(routes.name + ".new")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, routes)


def test_a_refused_routes_file_shows_until_a_good_one_is_served(tmp_path, clock, monkeypatch):
    monkeypatch.setattr("ivr.web.served.CHECK_EVERY", 0.0)
    routes = tmp_path / "routes.yaml"
    shutil.copy(ROUTES, routes)
    app = record_app(None, clock, routes=str(routes))
    assert value(scrape(app), "ivr_routes_reload_refused") == 0
    good = routes.read_text(encoding="utf-8")
    publish(routes, "version: 1\nline: [broken\n")
    place_call(app, ["4", "-"], status=None)
    wait_for(lambda: value(scrape(app), "ivr_routes_reload_refused") == 1, 5)  # read by the watcher
    text = scrape(app)
    assert value(text, "ivr_routes_reload_failures_total") == 1
    assert app.test_client().get("/healthz").get_json()["last_refused_reload"] is not None
    place_call(app, ["4", "-"], status=None)
    assert value(scrape(app), "ivr_routes_reload_refused") == 1, "still refused: the same file"
    publish(routes, good + "\n# edited\n")
    place_call(app, ["4", "-"], status=None)
    wait_for(lambda: value(scrape(app), "ivr_routes_reload_refused") == 0, 5)
    text = scrape(app)
    assert value(text, "ivr_routes_reload_refused") == 0
    assert value(text, "ivr_routes_reload_failures_total") == 1


def test_series_the_alerts_watch_are_exported_before_they_count(app):
    """Counted from 0 (a series that first appears already at 1 shows no increase to an alert)."""
    text = scrape(app)
    assert value(text, "ivr_step_outcomes_total", outcome="error") == 0
    for result in ("sent", "refused", "failed", "unreachable"):
        assert value(text, "ivr_sms_sends_total", result=result) == 0
    for result in ("queued", "over_call_limit", "over_caller_limit", "over_line_limit", "unavailable"):
        assert value(text, "ivr_sms_requests_total", result=result) == 0
    assert value(text, "ivr_routes_reload_failures_total") == 0
    assert value(text, "ivr_refused_signatures_total") == 0


def test_the_exposition_passes_promtools_lint(tmp_path, clock):
    shutil.copy(ROUTES, tmp_path / "routes.yaml")
    app = texting_app(tmp_path, clock)
    place_call(app, ["4", "1"], dial_status="busy")
    drained(app)
    done = subprocess.run([promtool(), "check", "metrics"], input=scrape(app), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_served_line_shows_a_refused_routes_file_until_a_good_one_is_served(tmp_path):
    """Under gunicorn, summed over the workers: refused while any worker refuses, then 0."""
    from helpers import Served, post_voice, served_metrics

    routes = tmp_path / "routes.yaml"
    shutil.copy(ROUTES, routes)
    good = routes.read_text(encoding="utf-8")

    def scraped_value(served, name, **labels):
        return served_metrics(served.metrics_port).get((name, tuple(sorted(labels.items()))))

    with Served(tmp_path, routes, workers=2) as served:
        post_voice(served.port)
        assert scraped_value(served, "ivr_routes_reload_refused") == 0
        assert scraped_value(served, "ivr_step_outcomes_total", outcome="error") == 0
        routes.write_text("version: 1\nline: [broken\n", encoding="utf-8")
        wait_for(lambda: post_voice(served.port) and scraped_value(served, "ivr_routes_reload_refused") == 1)
        assert scraped_value(served, "ivr_routes_reload_failures_total") >= 1
        routes.write_text(good + "\n# edited\n", encoding="utf-8")
        wait_for(lambda: post_voice(served.port) and scraped_value(served, "ivr_routes_reload_refused") == 0)
        assert "routes reload refused" in served.log()
