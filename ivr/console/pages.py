"""The pages that show: today, the desks and their calendar, the menus, the history, the reports."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import func, select

from ..core.hours import JAPAN, in_japan
from ..records import database as records_db
from ..records.refusals import THE_FILE, refusals_on
from ..records.report import build, month_bounds, render_csv
from ..records.tables import call_steps
from .auth import console, role_name
from .describe import (announcement_rows, calendar_days, desk_names, desks_now, entry_rows, join,
                       moment_text, not_understood_rows, problem_rows)
from .forms import ActionForm, MessageForm
from .i18n import tr
from .menus import menu_title, svg
from ..operators.tree import words

bp = Blueprint("pages", __name__)
HISTORY_SHOWN = 50
AUDIT_SHOWN = 100


def published_loaded():
    site = console()
    version = site.published()
    return version, site.load(version.text)


@bp.route("/")
def today():
    site = console()
    now = site.now()
    version, loaded = published_loaded()
    flow = loaded.flow
    day = now.date()
    start = datetime.combine(day, time(), tzinfo=JAPAN)
    calls = records_db.calls_between(site.engine, start, now + timedelta(seconds=1))
    by_desk = Counter(c["desk"] for c in calls if c["desk"])
    with site.engine.connect() as connection:
        not_understood = not_understood_rows(flow.routes if flow else None, connection.execute(
            select(call_steps.c.menu, call_steps.c.key, func.count()).where(
                call_steps.c.outcome == "not_understood", call_steps.c.at >= start)
            .group_by(call_steps.c.menu, call_steps.c.key)).all())
    spoken = sum(c["path"].count("=say") for c in calls)
    refused = [e for e in site.store.audit(AUDIT_SHOWN) if e.action == "refused"
               and in_japan(e.at).date() == day]
    reloads = refusals_on(site.engine, day)  # versions a line server would not load
    return render_template(
        "today.html", now=now, now_text=moment_text(now), version=version,
        desks=desks_now(flow, now) if flow else [], routes=flow.routes if flow else None,
        entries=[r for r in entry_rows(flow.routes, day) if r.today] if flow else [],
        announcements=[r for r in announcement_rows(flow.routes, day) if r.today] if flow else [],
        calls=len(calls), by_desk=by_desk.most_common(), not_understood=not_understood, spoken=spoken,
        refused=refused, reloads=reloads, the_file=THE_FILE, draft=site.draft(), moment_text=moment_text)


@bp.route("/desks")
def desks():
    site = console()
    now = site.now()
    text, draft, version = site.working()
    shown = request.args.get("show", "draft" if draft else "published")
    loaded = site.load(text if shown == "draft" else version.text)
    if not loaded.ok:
        loaded = site.load(version.text)
        shown = "published"
    flow = loaded.flow
    calendar_desks, days = calendar_days(flow, now.date())
    return render_template("desks.html", routes=flow.routes, desks=desks_now(flow, now),
                           calendar_desks=calendar_desks, days=days, shown=shown, draft=draft,
                           written_hours=flow.reader.written_hours)


@bp.route("/menus")
def menus():
    site = console()
    text, draft, version = site.working()
    shown = request.args.get("show", "published")
    loaded = site.load(text if shown == "draft" else version.text)
    if not loaded.ok:
        loaded, shown = site.load(version.text), "published"
    return render_template("menus.html", routes=loaded.flow.routes, shown=shown, draft=draft, words=words,
                           menu_title=menu_title)


@bp.route("/menus.svg")
def menus_svg():
    site = console()
    text, draft, version = site.working()
    loaded = site.load(text if request.args.get("show") == "draft" else version.text)
    if not loaded.ok:
        loaded = site.load(version.text)
    drawing = svg(loaded.flow.routes, loaded.flow.reader.written_hours)
    if drawing is None:
        abort(404)
    return Response(drawing, mimetype="image/svg+xml")


@bp.route("/history")
def history():
    site = console()
    versions = site.store.history(HISTORY_SHOWN)
    flow = published_loaded()[1].flow
    routes = flow.routes if flow is not None else None
    events = [(e, actor_text(e.actor), detail_text(e.action, e.detail or "", routes))
              for e in site.store.audit(AUDIT_SHOWN)]
    return render_template("history.html", versions=versions, events=events, routes=routes,
                           form=MessageForm(), moment_text=moment_text, action_name=action_name,
                           actor_text=actor_text, detail_text=detail_text)


# The audit trail keeps each event's detail as the code wrote it (in English, for the command
# line's `ivr routes audit` as well); the console says the ones it knows in the operators' words.
_DETAILS = {
    "draft": (
        (re.compile(r"closure (\S+)\.\.(\S+) \[(.*)\]"), "closure"),
        (re.compile(r"special hours (\S+)\.\.(\S+) (\S+) (.*)"), "special"),
        (re.compile(r"announcement (\S+)\.\.(\S+)"), "announcement"),
        (re.compile(r"remove (calendar|announcements)\[(\d+)\]"), "remove"),
        (re.compile(r"desk (\S+)"), "desk"),
        (re.compile(r"routes\.yaml edited as text"), "text"),
    ),
    "login": ((re.compile(r"from (\S+)"), "from"),),
    "login_refused": ((re.compile(r"(\w+) from (\S+)"), "refused"),),
    "forbidden": ((re.compile(r"\w+ (\S+) needs (\w+)"), "forbidden"),),
    "account_add": ((re.compile(r"(\S+) as (\w+)"), "account"),),
    "publish": ((re.compile(r"(\S+) at first start"), "first"),),
}


def detail_text(action: str, detail: str, routes) -> str:
    """An audit event's detail in the operators' words where its form is known; else as written."""
    for pattern, kind in _DETAILS.get(action, ()):
        found = pattern.fullmatch(detail)
        if found is not None:
            return _detail(kind, found.groups(), routes)
    return detail


def _desks(routes, ids: list[str]) -> str:
    return desk_names(routes, ids) if routes is not None else join(ids)


def _detail(kind: str, parts: tuple[str, ...], routes) -> str:
    if kind == "closure":
        desks = _desks(routes, re.findall(r"'([^']*)'", parts[2]))
        # TRANSLATORS: audit trail: a closure was put in the draft, from one day to another, for desks.
        return tr("closure %(first)s to %(last)s: %(desks)s", first=parts[0], last=parts[1], desks=desks)
    if kind == "special":
        # TRANSLATORS: audit trail: special hours were put in the draft for a desk; hours as written.
        return tr("special hours %(first)s to %(last)s: %(desk)s %(hours)s", first=parts[0], last=parts[1],
                  desk=_desks(routes, [parts[2]]), hours=parts[3])
    if kind == "announcement":
        # TRANSLATORS: audit trail: a dated announcement was put in the draft.
        return tr("announcement %(first)s to %(last)s", first=parts[0], last=parts[1])
    if kind == "remove":
        number = int(parts[1]) + 1
        if parts[0] == "calendar":
            # TRANSLATORS: audit trail: the n-th entry of the calendar (closures, special hours) was removed.
            return tr("calendar entry %(number)s removed", number=number)
        # TRANSLATORS: audit trail: the n-th dated announcement was removed.
        return tr("announcement %(number)s removed", number=number)
    if kind == "desk":
        # TRANSLATORS: audit trail: a desk's details were changed in the draft.
        return tr("desk %(desk)s changed", desk=_desks(routes, [parts[0]]))
    if kind == "text":
        # TRANSLATORS: audit trail: the draft's YAML text was edited directly.
        return tr("routes.yaml edited as text")
    if kind == "from":
        # TRANSLATORS: audit trail: where a login came from (an IP address).
        return tr("from %(address)s", address=parts[0])
    if kind == "refused":
        reasons = {
            # TRANSLATORS: audit trail: a login was refused for a wrong password.
            "password": tr("wrong password"),
            # TRANSLATORS: audit trail: a login was refused: the account is locked for a while.
            "account_locked": tr("account locked"),
            # TRANSLATORS: audit trail: a login was refused: the address is locked for a while.
            "address_locked": tr("address locked"),
            # TRANSLATORS: audit trail: a login was refused: the account is disabled.
            "disabled": tr("account disabled"),
        }
        # TRANSLATORS: audit trail: why a login was refused, and where it came from.
        return tr("%(reason)s, from %(address)s", reason=reasons.get(parts[0], parts[0]), address=parts[1])
    if kind == "forbidden":
        # TRANSLATORS: audit trail: a page or form that needs a role the operator does not have.
        return tr("%(path)s needs the role %(role)s", path=parts[0], role=role_name(parts[1]))
    if kind == "account":
        # TRANSLATORS: audit trail: an account added, with its role.
        return tr("%(name)s as %(role)s", name=parts[0], role=role_name(parts[1]))
    # TRANSLATORS: audit trail: the version published when the console first started, from a file.
    return tr("%(file)s as it was at the first start", file=parts[0])


def actor_text(actor: str) -> str:
    """Who did it; the command line in the operators' words."""
    if actor == "file":
        # TRANSLATORS: audit trail and history: the first version, taken from the routes file itself.
        return tr("the routes file")
    found = re.fullmatch(r"command line \((.*)\)", actor or "")
    if found is None:
        return actor
    # TRANSLATORS: audit trail: an action taken with the ivr command, by this system user.
    return tr("command line (%(user)s)", user=found.group(1))


def action_name(action: str) -> str:
    """An audit event's action in words."""
    names = {
        # TRANSLATORS: audit trail: a version was published.
        "publish": tr("published"),
        # TRANSLATORS: audit trail: an earlier version was published again.
        "rollback": tr("rolled back"),
        # TRANSLATORS: audit trail: a publish was refused by the check.
        "refused": tr("publish refused"),
        # TRANSLATORS: audit trail: a change to the draft.
        "draft": tr("draft changed"),
        # TRANSLATORS: audit trail: the draft was thrown away.
        "draft_discarded": tr("draft discarded"),
        # TRANSLATORS: audit trail: an operator logged in.
        "login": tr("logged in"),
        # TRANSLATORS: audit trail: a login was refused.
        "login_refused": tr("login refused"),
        # TRANSLATORS: audit trail: an operator logged out.
        "logout": tr("logged out"),
        # TRANSLATORS: audit trail: an operator tried something their role does not allow.
        "forbidden": tr("not allowed"),
        # TRANSLATORS: audit trail: an account was added.
        "account_add": tr("account added"),
        # TRANSLATORS: audit trail: an account was disabled.
        "account_disable": tr("account disabled"),
    }
    return names.get(action, action)


def _month() -> str:
    month = request.args.get("month") or console().now().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        abort(404)
    return month


def monthly(month: str):
    site = console()
    start, end = month_bounds(month)
    calls = records_db.calls_between(site.engine, start, end)
    texts = records_db.texts_between(site.engine, start, end)
    return build(month, calls, texts), calls


@bp.route("/reports")
def reports():
    from .charts import report_view

    month = _month()
    report, calls = monthly(month)
    version, loaded = published_loaded()
    view = report_view(report, calls, loaded.flow.routes)
    first = datetime(int(month[:4]), int(month[5:]), 1)
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (first + timedelta(days=32)).strftime("%Y-%m")
    return render_template("reports.html", month=month, view=view, previous=previous, following=following)


def _download(month: str):
    """A month's report, its calls and the routes published, for a download; 404 for no month."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        abort(404)
    report, calls = monthly(month)
    _, loaded = published_loaded()
    return report, calls, loaded


@bp.route("/reports/<month>.csv")
def report_csv(month: str):
    from ..operators.tree import desk_names as names_by_id

    report, _, loaded = _download(month)
    text = render_csv(report, "ja", names_by_id(loaded.flow.routes, "ja"))  # in Japanese, desks by name
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=report-{month}.csv"})


@bp.route("/reports/<month>.png")
def report_png(month: str):
    from .charts import report_png as draw

    report, calls, loaded = _download(month)
    data = draw(report, calls, loaded.flow.routes)
    if data is None:
        abort(404)
    download = {"Content-Disposition": f"attachment; filename=report-{month}.png"} if request.args.get("download") else {}
    return Response(data, mimetype="image/png", headers=download)


__all__ = ["bp", "problem_rows", "ActionForm"]
