"""The pages that change things: closures and announcements, desks, the draft and its check,
publishing, rolling back, and the emergency closure.

Every change is made to the draft first and checked exactly as `ivr check` checks a file; only
a publisher publishes it, as a new version of routes.yaml (ivr.records.versions). Every change
is in the audit trail under the operator's name.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..core.hours import JAPAN, in_japan
from ..core.paths import walk
from ..operators.diff import diff_routes
from ..operators.lint import lint
from ..operators.preview import timings
from ..records.versions import UnknownVersion
from ..routesfile.loader import RoutesError
from ..web.published import publish_checked
from .auth import audit, console, requires
from .describe import (announcement_rows, change_rows, day_text, desk_names, entry_rows, join,
                       problem_rows, spoken, worked_out)
from .editing import (ALL, GREETING, EditError, add_announcement, add_closure, add_special_hours,
                      clear_day, remove_entry, update_desk)
from .forms import (ActionForm, AnnouncementForm, ClosureForm, DeskForm, EmergencyForm,
                    MessageForm, RemoveForm, SpecialHoursForm, YamlForm)
from .i18n import tr

bp = Blueprint("changes", __name__)
# Where a problem's key path points in a form: routes.yaml's key → the form's field.
FIELDS = {"date": "first", "dates": "first", "closed": "desks", "open": "spans", "say": "say",
          "from": "first", "until": "last", "where": "where"}


def _author() -> str:
    return g.operator.name


def _working():
    site = console()
    text, draft, version = site.working()
    loaded = site.load(text)
    return site, text, draft, version, loaded


def _every_desk() -> str:
    # TRANSLATORS: a choice in the closure form, and the desks it closed in the message that it was
    # added: every desk whose hours the line works out, but one open 24 hours every day (the
    # children's line), which `all` leaves open.
    return tr("every desk with set hours (those open 24 hours stay open)")


def _choices(routes, with_all: bool):
    desks = [(d.id, d.name) for d in routes.desks.values() if worked_out(d)]
    return ([(ALL, _every_desk())] if with_all else []) + desks


def _save(new_text: str, what: str, draft, version) -> list:
    """Keep `new_text` as the draft if it passes the check; the problems otherwise."""
    site = console()
    loaded = site.load(new_text)
    if not loaded.ok:
        return list(loaded.problems)
    site.drafts.save(new_text, base_version=draft.base_version if draft else version.number,
                     author=_author())
    audit("draft", what)
    return []


def _attach(form, problems, section: str, index: int) -> list:
    """Put each problem about the new entry on its field; return the others."""
    rest = []
    for problem in problems:
        path = problem.path
        field = FIELDS.get(path[2]) if len(path) > 2 and path[:2] == (section, index) else None
        if field and hasattr(form, field):
            getattr(form, field).errors = list(getattr(form, field).errors) + [problem.message_in("ja")]
        else:
            rest.append(problem)
    return rest


def _calendar_page(forms: dict, problems=(), status: int = 200):
    site, text, draft, version, loaded = _working()
    now = site.now()
    flow = loaded.flow or site.load(version.text).flow
    routes = flow.routes
    forms.setdefault("closure", ClosureForm(prefix="closure"))
    forms.setdefault("special", SpecialHoursForm(prefix="special"))
    forms.setdefault("announcement", AnnouncementForm(prefix="announcement"))
    forms.setdefault("emergency", EmergencyForm(prefix="emergency"))
    forms["closure"].desks.choices = _choices(routes, True)
    forms["emergency"].desks.choices = _choices(routes, False)
    if not forms["emergency"].desks.data:
        forms["emergency"].desks.data = [d.id for d in routes.desks.values() if d.in_scope and worked_out(d)]
    # TRANSLATORS: a choice for where an announcement is said: after the greeting, on every call.
    forms["announcement"].where.choices = [(GREETING, tr("after the greeting (every call)"))] + [
        (d.id, d.name) for d in routes.desks.values()]
    return render_template(
        "calendar.html", forms=forms, routes=routes, draft=draft, draft_broken=not loaded.ok,
        entries=entry_rows(routes, now.date()), announcements=announcement_rows(routes, now.date()),
        problems=problem_rows(problems), remove=RemoveForm(), today=day_text(now.date()),
        worked_out=[d for d in routes.desks.values() if worked_out(d)]), status


@bp.route("/calendar")
def calendar():
    return _calendar_page({})[0]


@bp.route("/calendar/closure", methods=["POST"])
@requires("editor")
def closure():
    site, text, draft, version, loaded = _working()
    form = ClosureForm(prefix="closure")
    form.desks.choices = _choices((loaded.flow or site.load(version.text).flow).routes, True)
    if not form.validate():
        return _calendar_page({"closure": form}, status=400)
    desks = ALL if ALL in form.desks.data else form.desks.data
    days = form.days()
    try:
        new = add_closure(text, days, desks, form.say.data or "")
    except EditError as error:
        return _calendar_page({"closure": form}, [_plain_problem(error)], 400)
    index = len((loaded.flow.routes.calendar.entries if loaded.ok else ()))
    names = _every_desk() if desks == ALL else desk_names(loaded.flow.routes if loaded.ok else
                                                          site.load(version.text).flow.routes, desks)
    problems = _save(new, f"closure {days[0]}..{days[-1]} {desks}", draft, version)
    if problems:
        rest = _attach(form, problems, "calendar", index)
        return _calendar_page({"closure": form}, rest, 400)
    # TRANSLATORS: a closure was added to the draft; callers hear nothing of it until it is published.
    flash(tr("Added to the draft: %(desks)s closed on %(days)s. Callers hear it once the draft is published.",
             desks=names, days=join(day_text(d) for d in days)))
    return redirect(url_for("changes.calendar"))


@bp.route("/calendar/special", methods=["POST"])
@requires("editor")
def special():
    site, text, draft, version, loaded = _working()
    form = SpecialHoursForm(prefix="special")
    if not form.validate():
        return _calendar_page({"special": form}, status=400)
    days = form.days()
    new = add_special_hours(text, days, {form.desk.data: form.span_list()}, form.say.data or "")
    index = len(loaded.flow.routes.calendar.entries) if loaded.ok else 0
    problems = _save(new, f"special hours {days[0]}..{days[-1]} {form.desk.data} {form.span_list()}",
                     draft, version)
    if problems:
        return _calendar_page({"special": form}, _attach(form, problems, "calendar", index), 400)
    # TRANSLATORS: special hours were added to the draft.
    flash(tr("Added to the draft: special hours on %(days)s.", days=join(day_text(d) for d in days)))
    return redirect(url_for("changes.calendar"))


@bp.route("/calendar/announcement", methods=["POST"])
@requires("editor")
def announcement():
    site, text, draft, version, loaded = _working()
    form = AnnouncementForm(prefix="announcement")
    routes = (loaded.flow or site.load(version.text).flow).routes
    form.where.choices = [(GREETING, "")] + [(d.id, d.name) for d in routes.desks.values()]
    if not form.validate():
        return _calendar_page({"announcement": form}, status=400)
    where = GREETING if GREETING in form.where.data else form.where.data
    new = add_announcement(text, form.first.data, form.last.data, form.say.data, where)
    index = len(routes.calendar.announcements) if loaded.ok else 0
    problems = _save(new, f"announcement {form.first.data}..{form.last.data}", draft, version)
    if problems:
        return _calendar_page({"announcement": form}, _attach(form, problems, "announcements", index), 400)
    # TRANSLATORS: an announcement was added to the draft.
    flash(tr("Added to the draft: an announcement from %(first)s to %(last)s.",
             first=day_text(form.first.data), last=day_text(form.last.data)))
    return redirect(url_for("changes.calendar"))


@bp.route("/calendar/remove", methods=["POST"])
@requires("editor")
def remove():
    site, text, draft, version, loaded = _working()
    form = RemoveForm()
    if not form.validate() or form.section.data not in ("calendar", "announcements"):
        abort(400)
    try:
        new = remove_entry(text, form.section.data, int(form.index.data))
    except (EditError, ValueError):
        abort(400)
    problems = _save(new, f"remove {form.section.data}[{form.index.data}]", draft, version)
    if problems:
        return _calendar_page({}, problems, 400)
    # TRANSLATORS: an entry was removed from the draft.
    flash(tr("Removed from the draft. Callers hear it until the draft is published."))
    return redirect(url_for("changes.calendar"))


class _plain_problem:
    """A problem that is not in any line of the file (the text could not be changed)."""

    def __init__(self, error: Exception):
        self.line, self.path, self._message = 1, (), str(error)

    def message_in(self, locale):
        return self._message

    def where_in(self, locale):
        return ""

    def text(self, locale):
        return self._message


# -- the emergency closure ---------------------------------------------------------------------


def _closed_today(text: str, day: date, desks: list[str], say: str) -> str:
    return add_closure(clear_day(text, day, set(desks)), [day], desks, say)


def _default_say() -> str:
    # TRANSLATORS: what callers hear in the closed desks' answers on an emergency closure.
    return tr("We are sorry, we are closed today.")


def _heard(flow, desks: list[str], now: datetime) -> list[tuple[str, str]]:
    """What a caller hears now from each of these desks' answers."""
    heard = []
    for menu in flow.routes.menus.values():
        for option in menu.options:
            if option.desk in desks and option.desk not in [d for d, _ in heard]:
                heard.append((option.desk, spoken(flow.answer(menu, option, now).speech)))
    return [(flow.routes.desks[d].name, sentence) for d, sentence in heard]


def _emergency_form():
    """The console, the moment, the published version and its routes, and the emergency form
    with the desks it may close: what both clicks of an emergency closure start from."""
    site = console()
    version = site.published()
    routes = site.load(version.text).flow.routes
    form = EmergencyForm(prefix="emergency")
    form.desks.choices = _choices(routes, False)
    return site, site.now(), version, routes, form


@bp.route("/emergency", methods=["POST"])
@requires("publisher")
def emergency():
    """The first click: what callers would hear, and the button that publishes it."""
    site, now, version, routes, form = _emergency_form()
    if not form.validate():
        return _calendar_page({"emergency": form}, status=400)
    say = (form.say.data or "").strip() or _default_say()
    form.say.data = say
    form.day.data = now.date().isoformat()
    new = _closed_today(version.text, now.date(), form.desks.data, say)
    loaded = site.load(new)
    heard = _heard(loaded.flow, form.desks.data, now) if loaded.ok else []
    return render_template("emergency.html", form=form, heard=heard, problems=problem_rows(loaded.problems),
                           desks=desk_names(routes, form.desks.data), today=day_text(now.date()), say=say)


@bp.route("/emergency/publish", methods=["POST"])
@requires("publisher")
def emergency_publish():
    """The second click: close the desks today, published at once; the draft follows."""
    site, now, version, routes, form = _emergency_form()
    if not form.validate() or form.day.data != now.date().isoformat():
        # TRANSLATORS: the emergency closure's confirmation was for another day (left open past midnight).
        flash(tr("That confirmation was for another day. Please start again."), "error")
        return redirect(url_for("changes.calendar"))
    say = (form.say.data or "").strip() or _default_say()
    desks = form.desks.data
    new = _closed_today(version.text, now.date(), desks, say)
    # TRANSLATORS: the message of the version an emergency closure publishes.
    message = tr("Emergency closure on %(day)s: %(desks)s", day=day_text(now.date()),
                 desks=desk_names(routes, desks))
    try:
        published = publish_checked(site.store, new, author=_author(), message=message)
    except RoutesError as error:
        return render_template("emergency.html", form=form, heard=[], problems=problem_rows(error.problems),
                               desks=desk_names(routes, desks), today=day_text(now.date()), say=say), 400
    draft = site.draft()
    if draft is not None:
        try:
            followed = _closed_today(draft.text, now.date(), desks, say)
        except EditError:
            followed = None
        if followed is not None and site.load(followed).ok:
            site.drafts.save(followed, base_version=published.number, author=_author())
    # TRANSLATORS: the emergency closure is published; callers hear it within seconds.
    flash(tr("Published as version %(number)s: %(desks)s closed today. Callers hear it within seconds.",
             number=published.number, desks=desk_names(routes, desks)))
    return redirect(url_for("pages.today"))


# -- desks ---------------------------------------------------------------------------------------


def _days_text(hours) -> str:
    from ..routesfile.builder import DAY_NAMES

    days = sorted(hours.days)
    if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return ",".join(DAY_NAMES[d] for d in days)


@bp.route("/desks/<desk_id>", methods=["GET", "POST"])
def desk(desk_id: str):
    site, text, draft, version, loaded = _working()
    routes = (loaded.flow or site.load(version.text).flow).routes
    found = routes.desks.get(desk_id)
    if found is None:
        abort(404)
    form = DeskForm()
    if request.method == "GET":
        from .describe import clock
        from ..operators.tree import words

        form.name.data, form.reading.data = found.name, found.reading if found.reading != found.name else ""
        form.phone.data = found.phone.written if found.phone else ""
        form.about.data, form.fee.data = words(found.about), words(found.fee)
        form.notes.data = "\n".join(words(n) for n in found.notes)
        form.url.data = found.url or ""
        form.in_scope.data, form.transfer.data = found.in_scope, found.transfer
        if worked_out(found):
            form.days.data = _days_text(found.hours)
            form.spans.data = " ".join(f"{clock(s.start)}-{clock(s.end)}" for s in found.hours.spans)
            form.closed_holidays.data = found.hours.closed_on_holidays
            form.closed_year_end.data = found.hours.closed_year_end
        return render_template("desk.html", form=form, desk=found, problems=[], hours_form=worked_out(found))
    if not g.operator.may("editor"):
        audit("forbidden", f"POST {request.path} needs editor")
        abort(403)
    if not form.validate():
        return render_template("desk.html", form=form, desk=found, problems=[], hours_form=worked_out(found)), 400
    days = form.days.data.strip()
    hours = None
    if worked_out(found):
        hours = {"days": [d.strip() for d in days.split(",")] if "," in days else days,
                 "open": form.span_list(),
                 "closed": [c for c, on in (("holidays", form.closed_holidays.data),
                                            ("year_end", form.closed_year_end.data)) if on]}
    texts = {"name": form.name.data, "reading": form.reading.data, "phone": form.phone.data,
             "about": form.about.data, "fee": form.fee.data, "url": form.url.data}
    try:
        new = update_desk(text, desk_id, texts=texts, notes=(form.notes.data or "").splitlines(),
                          flags={"in_scope": form.in_scope.data, "transfer": form.transfer.data}, hours=hours)
    except EditError as error:
        return render_template("desk.html", form=form, desk=found, problems=problem_rows([_plain_problem(error)]),
                               hours_form=worked_out(found)), 400
    if new == text:
        # TRANSLATORS: the desk form was sent without any change.
        flash(tr("Nothing was changed."))
        return redirect(url_for("pages.desks"))
    problems = _save(new, f"desk {desk_id}", draft, version)
    if problems:
        rest = []
        for problem in problems:
            path = problem.path
            field = path[2] if len(path) > 2 and path[:2] == ("desks", desk_id) else None
            field = {"hours": "spans", "notes": "notes"}.get(field, field)
            if field and hasattr(form, field):
                getattr(form, field).errors = list(getattr(form, field).errors) + [problem.message_in("ja")]
            else:
                rest.append(problem)
        return render_template("desk.html", form=form, desk=found, problems=problem_rows(rest),
                               hours_form=worked_out(found)), 400
    # TRANSLATORS: a desk's details were changed in the draft.
    flash(tr("%(desk)s changed in the draft. Callers hear it once the draft is published.", desk=found.name))
    return redirect(url_for("pages.desks"))


# -- the draft -----------------------------------------------------------------------------------


def _compare_moment(draft_routes, published_routes, now: datetime) -> datetime:
    """The day the draft's new dated entries begin (10:30 that day), else now."""
    old = {(e.dates, e.closed, e.open, e.say) for e in published_routes.calendar.entries}
    days = [d for e in draft_routes.calendar.entries if (e.dates, e.closed, e.open, e.say) not in old
            for d in e.dates if d >= now.date()]
    old_a = {(a.first, a.last, a.say) for a in published_routes.calendar.announcements}
    days += [max(a.first, now.date()) for a in draft_routes.calendar.announcements
             if (a.first, a.last, a.say) not in old_a and a.last >= now.date()]
    if not days:
        return now
    return datetime.combine(min(days), time(10, 30), tzinfo=JAPAN)


@bp.route("/draft")
def draft_page():
    site = console()
    now = site.now()
    version = site.published()
    draft = site.draft()
    published = site.load(version.text)
    context = {"draft": draft, "version": version, "form": MessageForm(), "discard": ActionForm(),
               "stale": bool(draft and draft.base_version != version.number)}
    if draft is None:
        return render_template("draft.html", **context)
    loaded = site.load(draft.text)
    context["problems"] = problem_rows(loaded.problems)
    context["lines"] = draft.text.splitlines()
    context["error_lines"] = {p.line for p in loaded.problems}
    if loaded.ok:
        at = request.args.get("at")
        try:
            moment = datetime.strptime(at, "%Y-%m-%d").replace(hour=10, minute=30, tzinfo=JAPAN) if at else None
        except ValueError:
            moment = None
        moment = moment or _compare_moment(loaded.flow.routes, published.flow.routes, now)
        context["at"] = in_japan(moment).date()
        context["warnings"] = problem_rows(lint(loaded.flow, moment))
        context["changes"] = change_rows(diff_routes(published.flow, loaded.flow, moment, "ja"),
                                         published.flow.routes, loaded.flow.routes)
        before = {t.path.keys: t for t in timings(published.flow, moment)}
        rows = []
        for timing in timings(loaded.flow, moment):
            old = before.get(timing.path.keys)
            desk_ = loaded.flow.routes.desks[timing.path.desk]
            rows.append((" → ".join(timing.path.keys), desk_.name, timing.eager, timing.patient,
                         old.eager if old else None, old.patient if old else None, timing.too_long))
        context["timings"] = rows
    return render_template("draft.html", **context)


@bp.route("/draft/yaml", methods=["GET", "POST"])
def yaml_editor():
    site, text, draft, version, loaded = _working()
    form = YamlForm()
    if request.method == "GET":
        form.text.data = text
        return render_template("yaml.html", form=form, problems=problem_rows(loaded.problems))
    if not g.operator.may("editor"):
        audit("forbidden", f"POST {request.path} needs editor")
        abort(403)
    if not form.validate():
        return render_template("yaml.html", form=form, problems=[]), 400
    new = form.text.data.replace("\r\n", "\n")
    site.drafts.save(new, base_version=draft.base_version if draft else version.number, author=_author())
    audit("draft", "routes.yaml edited as text")
    checked = site.load(new)
    if checked.ok:
        # TRANSLATORS: the YAML text was saved as the draft and passes the check.
        flash(tr("Saved as the draft. It passes the check."))
    else:
        # TRANSLATORS: the YAML text was saved as the draft, but has errors that stop it being published.
        flash(tr("Saved as the draft, with errors: it cannot be published until they are put right."), "error")
    return redirect(url_for("changes.draft_page"))


@bp.route("/draft/discard", methods=["POST"])
@requires("editor")
def discard():
    if not ActionForm().validate():
        abort(400)
    console().drafts.discard()
    audit("draft_discarded")
    # TRANSLATORS: the draft was thrown away.
    flash(tr("The draft was discarded."))
    return redirect(url_for("changes.draft_page"))


@bp.route("/draft/publish", methods=["POST"])
@requires("publisher")
def publish():
    site = console()
    form = MessageForm()
    draft = site.draft()
    version = site.published()
    if draft is None:
        # TRANSLATORS: publish was pressed with no draft.
        flash(tr("There is no draft to publish."), "error")
        return redirect(url_for("changes.draft_page"))
    if not form.validate():
        # TRANSLATORS: publish and rollback need a message saying what changed and why.
        flash(tr("Please write what changed and why."), "error")
        return redirect(url_for("changes.draft_page"))
    if draft.base_version != version.number and not form.confirm_stale.data:
        # TRANSLATORS: someone published another version after the draft was started.
        flash(tr("Version %(number)s was published after this draft was started. Check the "
                 "differences below, then tick the box to publish anyway.", number=version.number), "error")
        return redirect(url_for("changes.draft_page"))
    try:
        published = publish_checked(site.store, draft.text, author=_author(), message=form.message.data)
    except RoutesError:
        # TRANSLATORS: the draft has errors, so it was not published (the errors are listed).
        flash(tr("The draft was not published: it has errors."), "error")
        return redirect(url_for("changes.draft_page"))
    site.drafts.discard()
    # TRANSLATORS: the draft is now published; every server serves it within seconds.
    flash(tr("Published as version %(number)s. Callers hear it within seconds.", number=published.number))
    return redirect(url_for("pages.history"))


@bp.route("/history/<int:number>/rollback", methods=["POST"])
@requires("publisher")
def rollback(number: int):
    site = console()
    form = MessageForm()
    if not form.validate():
        flash(tr("Please write what changed and why."), "error")
        return redirect(url_for("pages.history"))
    target = site.store.get(number)
    if target is None:
        abort(404)
    loaded = site.load(target.text)
    if not loaded.ok:
        site.store.refused(target.text, author=_author(), message=form.message.data,
                           reason="\n".join(str(p) for p in loaded.problems))
        # TRANSLATORS: an old version no longer passes today's check, so it cannot be published again.
        flash(tr("Version %(number)s no longer passes the check and was not published again.",
                 number=number), "error")
        return redirect(url_for("pages.history"))
    try:
        site.store.rollback(number, author=_author(), message=form.message.data)
    except UnknownVersion:
        abort(404)
    # TRANSLATORS: an earlier version is published again.
    flash(tr("Version %(number)s is published again. Callers hear it within seconds.", number=number))
    return redirect(url_for("pages.history"))


__all__ = ["bp", "walk"]
