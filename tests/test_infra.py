"""What infra/ ships: the fallback TwiML, the image, the gunicorn config and the Kubernetes manifests."""

from __future__ import annotations

import json
import math
import os
import re
import runpy
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from ivr.operators import server
from ivr.command import main
from ivr.core.contacts import parse_phone
from ivr.core.readings import NUMBER_RATE
from ivr.core.routes import JAPANESE_VOICES
from ivr.operators.twilio_setup import fallback_twiml

from helpers import ROOT, ROUTES

INFRA = ROOT / "infra"
FALLBACK = INFRA / "fallback.xml"


def canonical(root: ET.Element) -> list[tuple]:
    return [(e.tag, sorted(e.attrib.items()), (e.text or "").strip(), (e.tail or "").strip())
            for e in root.iter()]


def readings(root: ET.Element) -> list[tuple[str, ...]]:
    """Each number read slowly in the document, as its groups of readings."""
    return [tuple(t.strip() for t in prosody.itertext() if t.strip()) for prosody in root.iter("prosody")]


# -- fallback.xml -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fallback() -> ET.Element:
    return ET.fromstring(FALLBACK.read_bytes())


def test_fallback_is_twiml_that_speaks_japanese_then_hangs_up(fallback, routes):
    assert fallback.tag == "Response"
    assert [verb.tag for verb in fallback] == ["Say", "Hangup"]
    say = fallback.find("Say")
    assert say.get("language") == "ja-JP"
    assert say.get("voice") == routes.voice and say.get("voice") in JAPANESE_VOICES
    assert {e.tag for e in say.iter()} <= {"Say", "break", "prosody"}
    assert all(p.get("rate") == f"{NUMBER_RATE}%" for p in say.iter("prosody"))


def test_fallback_reads_the_numbers_as_the_line_does(fallback, reader):
    center = reader.phone(parse_phone("03-5974-0068")).groups
    hotline = reader.phone(parse_phone("188")).groups
    assert center == ("ゼロサン", "ゴーキュウナナヨン", "ゼロゼロロクハチ")
    assert readings(fallback) == [hotline, center, center], "188 once, the center's number twice"
    text = "".join(fallback.find("Say").itertext())
    assert "188" not in text and "5974" not in text, "no number is left to the speech engine"
    assert text.startswith("迷惑メール相談のご案内です。")
    assert text.endswith("お電話ありがとうございました。")


def test_fallback_is_what_the_routes_served_would_make():
    fresh = ET.fromstring(fallback_twiml(str(ROUTES)).encode())
    assert canonical(fresh) == canonical(ET.fromstring(FALLBACK.read_bytes())), (
        "infra/fallback.xml is out of date: run `ivr twilio fallback -o infra/fallback.xml`")


def test_fallback_command_writes_the_document(runner, tmp_path):
    out = tmp_path / "fallback.xml"
    result = runner.invoke(main, ["twilio", "fallback", "--routes", str(ROUTES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert canonical(ET.fromstring(out.read_bytes())) == canonical(ET.fromstring(FALLBACK.read_bytes()))


def test_fallback_command_refuses_a_broken_routes_file(runner, tmp_path):
    broken = tmp_path / "routes.yaml"
    broken.write_text("version: 1\nline: {}\n", encoding="utf-8")
    result = runner.invoke(main, ["twilio", "fallback", "--routes", str(broken)])
    assert result.exit_code == 1
    assert "routes.yaml" in result.output and "<Response" not in result.output


# -- the image and gunicorn ----------------------------------------------------------

DOCKERFILE = INFRA / "Dockerfile"
CONFIG = "python:ivr.operators.gunicorn_conf"  # the image, `ivr serve`, the load test and the benchmark
TWILIO_WEBHOOK_LIMIT = 15  # seconds Twilio waits for a webhook


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), comments left out."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """Each stage's instructions by its name (`FROM base AS name`), in the file's order."""
    stages: dict[str, list[tuple[str, str]]] = {}
    for word, rest in dockerfile_instructions():
        if word == "FROM":
            name = rest.split()[-1] if " AS " in rest.upper() else f"stage{len(stages)}"
            stages[name] = []
        stages[list(stages)[-1]].append((word, rest))
    return stages


def image_stage(name: str | None = None) -> list[tuple[str, str]]:
    """The instructions an image is made of: a stage (the last, the default target, when no name
    is given) after those of the stages it is built FROM, from the base image on."""
    stages = dockerfile_stages()
    stage = stages[name or list(stages)[-1]]
    base = stage[0][1].split()[0]
    return (image_stage(base) if base in stages else []) + stage


def runtime_stage() -> list[tuple[str, str]]:
    """The line's image: the last stage, which a plain `docker build` makes."""
    return image_stage()


def image_env() -> dict[str, str]:
    env = {}
    for word, rest in runtime_stage():
        if word == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(rest))
    return env


def image_command() -> list[str]:
    commands = [json.loads(rest) for word, rest in runtime_stage() if word == "CMD"]
    assert len(commands) == 1, "one CMD, in exec (JSON) form"
    return commands[0]


def gunicorn_settings(env: dict[str, str] | None = None) -> dict:
    """The names the packaged gunicorn configuration defines, read afresh under `env`."""
    saved = dict(os.environ)
    try:
        os.environ.update(env or {})
        return runpy.run_module(CONFIG.removeprefix("python:"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def installs_of(stage: list[tuple[str, str]]) -> str:
    return " ".join(rest for word, rest in stage if word == "RUN" and "pip install" in rest)


@pytest.mark.parametrize("name", [None, "console"])
def test_image_is_slim_non_root_and_runtime_only(name):
    stage = image_stage(name)
    base = stage[0][1].split()[0]
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base
    users = [rest for word, rest in stage if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    installs = installs_of(stage)
    assert "meiwaku-ivr" in installs and "test" not in installs
    assert "--mount=type=bind,from=build" in installs, "the wheels are never kept in a layer"
    copied = [rest for word, rest in stage if word == "COPY"]
    assert not any(source.split()[0] in {".", "tests", "bench", "--from=build"} for source in copied)


def test_open_jtalk_is_in_the_consoles_image_only():
    """The line never makes audio (Twilio speaks): its image stays without Open JTalk (about
    150 MB of dictionary and voice). The console's image has it, to play a tried call."""
    line, console = installs_of(runtime_stage()), installs_of(image_stage("console"))
    assert "speech" not in line
    assert "speech" in console and "report" in console
    assert list(dockerfile_stages())[-1] == "line", "a plain docker build makes the line's image"
    commands = [json.loads(rest) for word, rest in image_stage("console") if word == "CMD"]
    assert commands[-1][:2] == ["ivr", "console"]


def test_image_runs_gunicorn_with_the_config_and_the_app():
    command = image_command()
    assert command[:2] == ["gunicorn", "--config"]
    assert command[2] == CONFIG == server.CONFIG, "the configuration packaged in the line, as ivr serve uses it"
    assert command[3:] == [gunicorn_settings()["wsgi_app"]] == ["ivr.app:create_app()"]


def test_the_image_command_loads_the_app(tmp_path):
    """gunicorn --check-config with the image's command builds the app from the repository."""
    command = image_command()
    args = [sys.executable, "-m", "gunicorn", "--config", CONFIG, *command[3:], "--check-config"]
    env = dict(os.environ, TWILIO_AUTH_TOKEN="check-only", IVR_ROUTES=str(ROUTES), IVR_RECORDS_DB="off")
    env.pop("IVR_DEV", None)
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    env.pop("TWILIO_AUTH_TOKEN")
    refused = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "TWILIO_AUTH_TOKEN" in refused.stderr


def test_gunicorn_config_suits_twilio_webhooks():
    settings = gunicorn_settings()
    assert settings["timeout"] <= TWILIO_WEBHOOK_LIMIT - 5, "a stuck worker is killed well before Twilio gives up"
    assert 0 < settings["graceful_timeout"] <= 30
    assert settings["accesslog"] == "-" and settings["preload_app"] is True
    assert settings["logger_class"].__name__ == "JsonAccessLogger"
    assert settings["bind"] == [image_env()["IVR_BIND"]]


@pytest.mark.parametrize("cpu_max, cpus", [("max 100000\n", 2), ("50000 100000\n", 1),
                                            ("150000 100000\n", 2), ("800000 100000\n", 2), (None, 2)])
def test_cpus_follow_the_container_quota(monkeypatch, tmp_path, cpu_max, cpus):
    available_cpus = gunicorn_settings()["available_cpus"]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    quota = tmp_path / "cpu.max"
    if cpu_max is not None:
        quota.write_text(cpu_max)
    real_open = open
    monkeypatch.setitem(available_cpus.__globals__, "open",
                        lambda path, *a, **k: real_open(quota if path == "/sys/fs/cgroup/cpu.max" else path, *a, **k))
    assert available_cpus() == cpus


def test_workers_follow_the_cpu_count_unless_set():
    settings = gunicorn_settings({"WEB_CONCURRENCY": ""})
    assert settings["workers"] == settings["available_cpus"]() * 2 + 1
    assert gunicorn_settings({"WEB_CONCURRENCY": "7"})["workers"] == 7


# -- Kubernetes ----------------------------------------------------------------------

K8S = INFRA / "k8s"


def kustomized_objects() -> list[dict]:
    """Every object kustomization.yaml lists."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = kustomization["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    return [doc for name in listed for doc in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")) if doc]


CONSOLE = "ivr-console"  # the operators' console's objects are named so


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    """The line's objects, by kind (the console's have their own fixture)."""
    objects = [o for o in kustomized_objects() if o["metadata"]["name"] != CONSOLE]
    kinds = [o["kind"] for o in objects]
    assert sorted(kinds) == ["CronJob", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]
    return {o["kind"]: o for o in objects}


@pytest.fixture(scope="module")
def console_manifests() -> dict[str, dict]:
    """The operators' console's Deployment and Service."""
    objects = [o for o in kustomized_objects() if o["metadata"]["name"] == CONSOLE]
    assert sorted(o["kind"] for o in objects) == ["Deployment", "Service"]
    return {o["kind"]: o for o in objects}


@pytest.fixture(scope="module")
def container(manifests) -> dict:
    containers = manifests["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(container) -> dict[str, dict]:
    return {item["name"]: item for item in container["env"]}


# The oldest Kubernetes the manifests are for (CronJob's timeZone is GA from 1.27), and the newest
# kubernetes-validate knows.
KUBERNETES_VERSIONS = ["1.27", kubernetes_validate.utils.latest_version()]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_manifests_are_valid_kubernetes_objects(manifests, version):
    for kind, resource in manifests.items():
        kubernetes_validate.validate(resource, version, strict=True)


def test_the_schema_check_refuses_a_misspelt_field(manifests):
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    misspelt = {k: v for k, v in container.items() if k != "readinessProbe"}
    misspelt["readinesProbe"] = container["readinessProbe"]
    deployment = json.loads(json.dumps(manifests["Deployment"]))
    deployment["spec"]["template"]["spec"]["containers"] = [misspelt]
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_selectors_pick_the_deployments_pods(manifests):
    pod_labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    selectors = [manifests["Deployment"]["spec"]["selector"]["matchLabels"],
                 manifests["Service"]["spec"]["selector"],
                 manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]]
    for selector in selectors:
        assert selector and selector.items() <= pod_labels.items()


def test_probes_ask_a_route_the_app_serves(app, container):
    client = app.test_client()
    get_routes = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = container[kind]["httpGet"]
        assert probe["path"] == "/healthz" and probe["path"] in get_routes
        assert probe["port"] in ports
        assert client.get(probe["path"]).status_code == 200


def test_service_and_image_agree_on_the_port(manifests, container):
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    target = manifests["Service"]["spec"]["ports"][0]["targetPort"]
    assert target in ports
    bind = env_of(container)["IVR_BIND"]["value"]
    assert bind.rsplit(":", 1)[1] == str(ports[target]) == image_env()["IVR_BIND"].rsplit(":", 1)[1]


def test_metrics_have_a_port_of_their_own_that_the_service_leaves_out(manifests, container):
    """/metrics is served on its own port (IVR_METRICS_BIND), scraped on the pods themselves; the
    public Service (and so the ingress) reaches the webhook port only."""
    from ivr.settings import Settings

    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    bind = env_of(container)["IVR_METRICS_BIND"]["value"]
    assert Settings.from_environ({"IVR_METRICS_BIND": bind}).metrics_address == ("0.0.0.0", ports["metrics"])
    assert image_env()["IVR_METRICS_BIND"] == bind and ports["metrics"] != ports["http"]
    exposed = [rest.split() for word, rest in runtime_stage() if word == "EXPOSE"]
    assert exposed == [[str(ports["http"]), str(ports["metrics"])]]
    assert [port["targetPort"] for port in manifests["Service"]["spec"]["ports"]] == ["http"]
    template = manifests["Deployment"]["spec"]["template"]["metadata"]
    assert template["annotations"]["prometheus.io/port"] == str(ports["metrics"])
    monitor = yaml.safe_load((K8S / "monitoring" / "podmonitor.yaml").read_text(encoding="utf-8"))
    assert monitor["kind"] == "PodMonitor"
    assert "podmonitor.yaml" in yaml.safe_load((K8S / "monitoring" / "kustomization.yaml").read_text())["resources"]
    # The line's `endpoint` label is what the dashboard and the rules select on.
    assert all(e["honorLabels"] is True for e in monitor["spec"]["podMetricsEndpoints"])
    assert monitor["spec"]["selector"]["matchLabels"].items() <= template["labels"].items()
    assert [e["port"] for e in monitor["spec"]["podMetricsEndpoints"]] == ["metrics"]


def test_pods_run_the_images_own_command(container):
    assert "command" not in container and "args" not in container
    assert container["image"].split(":")[0] == "meiwaku-ivr"


def test_routes_come_from_a_configmap_that_updates_in_place(manifests, container):
    volumes = {v["name"]: v for v in manifests["Deployment"]["spec"]["template"]["spec"]["volumes"]}
    mounts = [m for m in container["volumeMounts"] if "configMap" in volumes[m["name"]]]
    assert len(mounts) == 1
    mount = mounts[0]
    assert "subPath" not in mount, "a subPath mount never sees ConfigMap updates"
    items = volumes[mount["name"]]["configMap"].get("items", [{"key": "routes.yaml", "path": "routes.yaml"}])
    paths = {f"{mount['mountPath']}/{item['path']}" for item in items}
    assert env_of(container)["IVR_ROUTES"]["value"] in paths
    assert env_of(container)["IVR_ROUTES"]["value"] == image_env()["IVR_ROUTES"]


def test_secrets_are_referenced_never_written(container):
    env = env_of(container)
    for name in ("TWILIO_AUTH_TOKEN", "IVR_CALLER_HASH_KEY", "DATABASE_URL"):
        assert "value" not in env[name]
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "ivr-secrets", "key": name}


def test_purge_job_runs_the_retention_command_in_the_lines_image(manifests, container, runner, tmp_path):
    job = manifests["CronJob"]["spec"]
    assert job["timeZone"] == "Asia/Tokyo" and len(job["schedule"].split()) == 5
    assert job["concurrencyPolicy"] == "Forbid"
    pod = job["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["securityContext"] == manifests["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    (purge,) = pod["containers"]
    assert purge["image"] == container["image"]
    assert [e["name"] for e in purge["env"]] == ["DATABASE_URL"]
    assert purge["env"][0]["valueFrom"] == env_of(container)["DATABASE_URL"]["valueFrom"]
    program, *args = purge["command"]
    assert program == "ivr"
    database = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    assert runner.invoke(main, ["db", "upgrade", "--database", database]).exit_code == 0  # the line's records
    result = runner.invoke(main, [*args, "--database", database])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("deleted 0 calls started before ")


def test_resources_hold_every_worker(container):
    resources = container["resources"]
    workers = int(env_of(container)["WEB_CONCURRENCY"]["value"])
    per_worker_budget = 80 * 2**20  # the benchmark's target for one worker
    assert quantity(resources["limits"]["memory"]) >= (workers + 1) * per_worker_budget
    assert quantity(resources["requests"]["memory"]) <= quantity(resources["limits"]["memory"])
    assert quantity(resources["requests"]["cpu"]) <= quantity(resources["limits"]["cpu"])
    assert workers == 2 * math.ceil(quantity(resources["limits"]["cpu"])) + 1, "as the gunicorn configuration would count"


def pre_stop(container) -> tuple[list[str], int, int, str]:
    """The preStop hook's command, its first pause and longest wait (s), and the directory it watches."""
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"] and command[3] == "preStop"
    return command, int(command[4]), int(command[5]), command[6]


def test_shutdown_lets_requests_in_flight_finish_and_the_queue_be_written(manifests, container):
    from ivr.records.writer import DRAIN_AT_EXIT

    grace = manifests["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    _, pause, longest_wait, _ = pre_stop(container)
    graceful = gunicorn_settings()["graceful_timeout"]
    assert pause >= 5, "the Service stops sending calls first"
    assert longest_wait >= 30, "a database restart or fail-over fits in the wait"
    assert DRAIN_AT_EXIT + 1 < graceful, "each worker writes its queue before gunicorn kills it"
    assert pause + longest_wait + graceful < grace


def test_the_record_spool_has_a_disk_volume_of_its_own(manifests, container):
    from ivr.records.writer import CAPACITY

    spool = env_of(container)["IVR_RECORDS_SPOOL"]["value"]
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == spool]
    volumes = {v["name"]: v for v in manifests["Deployment"]["spec"]["template"]["spec"]["volumes"]}
    volume = volumes[mount["name"]]["emptyDir"]
    assert not mount.get("readOnly") and volume.get("medium") != "Memory", "on the node's disk"
    workers = int(env_of(container)["WEB_CONCURRENCY"]["value"])
    assert quantity(volume["sizeLimit"]) >= workers * CAPACITY * 1024, "every worker's full queue"
    assert quantity(container["resources"]["requests"]["ephemeral-storage"]) >= quantity(volume["sizeLimit"])
    assert pre_stop(container)[3] == spool


def run_pre_stop(container, directory, pause: int = 0, longest_wait: int = 3) -> float:
    """Run the hook's script with shorter times on `directory`; the seconds it took."""
    import time

    command = pre_stop(container)[0]
    started = time.monotonic()
    subprocess.run(command[:4] + [str(pause), str(longest_wait), str(directory)], check=True, timeout=30)
    return time.monotonic() - started


def test_the_pre_stop_hook_waits_while_records_are_queued(container, tmp_path):
    import threading

    assert run_pre_stop(container, tmp_path) < 1, "nothing queued: no wait"
    (tmp_path / "7-1-0a1b2c3d.spool.refused").write_bytes(b"")  # set aside: not a queue
    (tmp_path / "7-0a1b2c3d.held").write_bytes(b"0" * 20 + b"\n")
    assert run_pre_stop(container, tmp_path) < 1
    segment = tmp_path / "7-2-0a1b2c3d.spool"
    segment.write_bytes(b"{}\n")
    assert 2.5 < run_pre_stop(container, tmp_path, longest_wait=3) < 6, "waits, then gives up"
    threading.Timer(1.0, segment.unlink).start()  # written: the worker deletes its file
    assert 0.9 < run_pre_stop(container, tmp_path, longest_wait=20) < 4


def test_scaling_keeps_a_replica_answering(manifests):
    hpa, pdb = manifests["HorizontalPodAutoscaler"]["spec"], manifests["PodDisruptionBudget"]["spec"]
    deployment = manifests["Deployment"]
    assert hpa["scaleTargetRef"] == {"apiVersion": deployment["apiVersion"], "kind": "Deployment",
                                     "name": deployment["metadata"]["name"]}
    assert 2 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert pdb["maxUnavailable"] < hpa["minReplicas"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert "cpu" in deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]


def quantity(value: str | int) -> float:
    """A Kubernetes quantity (250m, 1, 384Mi) as a number."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    match = re.fullmatch(r"([\d.]+)([A-Za-z]*)", str(value))
    return float(match.group(1)) * units.get(match.group(2), 1)


# -- no secret in any file -----------------------------------------------------------

SECRET_PATTERNS = {
    "an auth token or API secret (32 hex digits)": re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{32}(?![0-9a-fA-F])"),
    "an account or key SID": re.compile(r"\b(AC|SK)[0-9a-f]{32}\b"),
    "a URL with a password": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!(pass|password|secret|…)@)[^/\s@$<{]+@"),
    "a private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "a Secret with values": re.compile(r"kind:\s*Secret\b[\s\S]*\n(data|stringData):"),
}


def secrets_in(text: str) -> list[str]:
    """What looks like a secret written into the text; the examples' repeated digits do not count."""
    found = []
    for name, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            if len(set(match.group(0)[-32:])) > 4:
                found.append(f"{name}: {match.group(0)[:12]}…")
    return found


def test_the_secret_detector_finds_secrets():
    assert secrets_in("TWILIO_AUTH_TOKEN=" + "3f9a1c07b2e845d6a0c9e17f5b2d4a68")
    assert secrets_in("DATABASE_URL=postgresql://ivr:s3cret@db.internal/ivr")
    assert secrets_in("kind: Secret\nmetadata:\n  name: x\nstringData:\n  k: v\n")
    assert secrets_in("sid AC3f9a1c07b2e845d6a0c9e17f5b2d4a68")
    assert not secrets_in("AC" + "a" * 32 + " postgresql://db.internal/ivr")
    assert not secrets_in("postgresql://user:pass@host/db postgresql://ivr:${PASSWORD}@db/ivr")


def shipped_files() -> list[Path]:
    files = [p for p in (INFRA.rglob("*")) if p.is_file()]
    files += [p for p in (ROOT / "bench").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [ROOT / "README.md", ROOT / "mkdocs.yml", ROOT / ".ci" / "setup.d" / "prism.sh",
              ROOT / "tests" / "prism" / "package.json"]
    files += sorted((ROOT / "docs").glob("*.md"))
    return files


def test_no_secret_is_written_into_any_file():
    found = {str(p.relative_to(ROOT)): secrets_in(p.read_text(encoding="utf-8", errors="replace"))
             for p in shipped_files()}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_metrics_directory_starts_empty_and_sits_on_a_writable_volume(tmp_path, monkeypatch, manifests, container):
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_4242.db").write_bytes(b"stale")
    (shared / "keep.txt").write_text("not a metrics file")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    gunicorn_settings()["on_starting"](server=None)
    assert [p.name for p in shared.iterdir()] == ["keep.txt"]
    directory = env_of(container)["PROMETHEUS_MULTIPROC_DIR"]["value"]
    volumes = {v["name"]: v for v in manifests["Deployment"]["spec"]["template"]["spec"]["volumes"]}
    writable = [m["mountPath"] for m in container["volumeMounts"]
                if "emptyDir" in volumes[m["name"]] and not m.get("readOnly")]
    assert any(directory.startswith(path + "/") for path in writable)


# -- publishing routes.yaml from a pipeline ------------------------------------------------

JOBS = K8S / "jobs"


@pytest.fixture(scope="module")
def publish_job() -> dict:
    kustomization = yaml.safe_load((JOBS / "kustomization.yaml").read_text(encoding="utf-8"))
    assert kustomization["resources"] == ["publish-routes.yaml"]
    line = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert kustomization["images"] == [i for i in line["images"] if i["name"] == "meiwaku-ivr"], \
        "the Job runs the servers' own image"
    (job,) = [d for d in yaml.safe_load_all((JOBS / "publish-routes.yaml").read_text(encoding="utf-8")) if d]
    assert job["kind"] == "Job"
    return job


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_publish_job_is_a_valid_kubernetes_object(publish_job, version):
    kubernetes_validate.validate(publish_job, version, strict=True)


def test_the_publish_job_publishes_the_candidate_with_the_lines_database(publish_job, manifests, container,
                                                                         runner, tmp_path):
    spec = publish_job["spec"]
    assert spec["backoffLimit"] == 0, "a refused file is not tried again"
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == manifests["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    (publish,) = pod["containers"]
    assert publish["image"] == container["image"]
    env = env_of(publish)
    assert env["DATABASE_URL"]["valueFrom"] == env_of(container)["DATABASE_URL"]["valueFrom"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    (mount,) = publish["volumeMounts"]
    candidate = volumes[mount["name"]]["configMap"]
    assert {env[name]["valueFrom"]["configMapKeyRef"]["name"] for name in ("PUBLISH_MESSAGE", "PUBLISH_AUTHOR")} \
        == {candidate["name"]}
    # The command as Kubernetes runs it: $(NAME) replaced by the variable, the file where it is mounted.
    values = {"PUBLISH_MESSAGE": "年末の休業を追加", "PUBLISH_AUTHOR": "ci"}
    file = f"{mount['mountPath']}/{candidate['items'][0]['path']}"
    program, *args = [re.sub(r"\$\((\w+)\)", lambda m: values[m.group(1)], a) for a in publish["command"]]
    assert program == "ivr" and file in args
    args[args.index(file)] = str(ROUTES)
    database = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    result = runner.invoke(main, [*args, "--database", database])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("published version 1 ")
    history = runner.invoke(main, ["routes", "history", "--database", database]).stdout
    assert "ci" in history and "年末の休業を追加" in history


# -- the operators' console ----------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_console_manifests_are_valid_kubernetes_objects(console_manifests, version):
    for kind, resource in console_manifests.items():
        kubernetes_validate.validate(resource, version, strict=True)


def test_the_console_is_its_own_deployment_behind_an_internal_service(console_manifests, manifests):
    deployment, service = console_manifests["Deployment"], console_manifests["Service"]
    assert service["spec"]["type"] == "ClusterIP", "internal only: never exposed like the webhooks"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in service["spec"]["selector"].items())
    assert service["spec"]["selector"] != manifests["Service"]["spec"]["selector"], "never the webhooks' pods"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "meiwaku-ivr-console", "the line's image with Open JTalk (infra/Dockerfile)"
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    tags = {image["name"]: image["newTag"] for image in kustomization["images"]}
    assert tags["meiwaku-ivr-console"] == tags["meiwaku-ivr"], "the console and the line are released together"
    program, command, *args = container["command"]
    assert (program, command) == ("ivr", "console")
    port = int(args[args.index("--port") + 1])
    assert port != 8000, "never the webhook port"
    assert container["ports"][0]["containerPort"] == port
    assert service["spec"]["ports"][0]["targetPort"] in (port, container["ports"][0]["name"])
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/healthz"
    env = {e["name"]: e for e in container["env"]}
    for secret in ("IVR_CONSOLE_SECRET", "DATABASE_URL"):
        assert "secretKeyRef" in env[secret]["valueFrom"], f"{secret} comes from a Secret"
    assert "IVR_CONSOLE_INSECURE_COOKIES" not in env
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_the_console_command_builds_its_app(tmp_path, runner, monkeypatch):
    from ivr.console.app import create_console

    monkeypatch.setenv("IVR_CONSOLE_SECRET", "x" * 40)
    monkeypatch.setenv("IVR_RECORDS_DB", str(tmp_path / "console.sqlite3"))
    app = create_console({"routes": str(ROUTES)})
    assert app.test_client().get("/healthz").status_code == 200
