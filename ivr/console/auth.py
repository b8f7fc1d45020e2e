"""Logging in and out, the operator of each request, and who may do what.

Sessions are Flask's signed cookies (IVR_CONSOLE_SECRET), holding the operator's name and a
fingerprint of their password hash: the account is read again at every request, so a disabled
account or a changed password ends its sessions at once.
"""

from __future__ import annotations

from functools import wraps

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)

from ..core.hours import in_japan
from .accounts import ROLES, Account
from .forms import ActionForm, LoginForm
from .i18n import ptr, tr

bp = Blueprint("auth", __name__)
PUBLIC = {"auth.login", "auth.healthz", "static"}


def console():
    return current_app.extensions["ivr.console"]


def audit(action: str, detail: str = "", actor: str | None = None) -> None:
    """An event in the audit trail, under the operator's name."""
    name = actor or (g.operator.name if g.get("operator") else "anonymous")
    console().store.record(actor=name, action=action, detail=detail)


def load_operator():
    """Who is logged in (g.operator), or off to the login page."""
    g.operator = None
    name = session.get("operator")
    if name:
        account = console().accounts.get(name)
        if account and not account.disabled and account.fingerprint == session.get("fingerprint"):
            g.operator = account
        else:
            session.clear()
    if g.operator is None and request.endpoint not in PUBLIC:
        if request.method == "GET" and request.endpoint is not None:
            return redirect(url_for("auth.login", next=request.full_path if request.args else request.path))
        abort(403)
    return None


def role_name(role: str) -> str:
    names = {
        # TRANSLATORS: the role that may only look at the console's pages.
        "viewer": ptr("role", "viewer"),
        # TRANSLATORS: the role that may prepare drafts (closures, announcements, desks).
        "editor": ptr("role", "editor"),
        # TRANSLATORS: the role that may publish drafts and roll back.
        "publisher": ptr("role", "publisher"),
    }
    return names.get(role, role)


def template_context() -> dict:
    operator: Account | None = g.get("operator")
    return {"operator": operator, "role_name": role_name, "logout_form": ActionForm(),
            "may": (lambda role: operator is not None and operator.may(role))}


def requires(role: str):
    """A view only operators with `role` (or above) may use; others get 403, and it is audited."""
    assert role in ROLES

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            operator = g.get("operator")
            if operator is None or not operator.may(role):
                audit("forbidden", f"{request.method} {request.path} needs {role}")
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/healthz")
def healthz():
    """For the probes: the console answers (no database, no session)."""
    return {"status": "ok"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    message = None
    status = 200
    if form.validate_on_submit():
        name = form.username.data.strip()
        result = console().accounts.login(name, form.password.data, _client_address())
        if result.account is not None:
            session.clear()
            session.permanent = True
            session["operator"] = result.account.name
            session["fingerprint"] = result.account.fingerprint
            audit("login", f"from {_client_address()}", actor=result.account.name)
            target = request.args.get("next", "")
            # Only a path on this site: never an address elsewhere.
            if not target.startswith("/") or target.startswith("//") or "\\" in target:
                target = url_for("pages.today")
            return redirect(target)
        audit("login_refused", f"{result.refused} from {_client_address()}", actor=name or "anonymous")
        status = 401
        if result.refused in ("account_locked", "address_locked"):
            status = 429
            until = in_japan(result.until).strftime("%H:%M")
            # TRANSLATORS: after 20 wrong passwords the account is locked for a while; %(time)s is when it opens again.
            message = tr("Too many wrong passwords. Logging in is locked until %(time)s; please try "
                         "again then, or ask the person who runs the console.", time=until)
        elif result.refused == "disabled":
            # TRANSLATORS: the account exists but has been switched off.
            message = tr("This account is disabled. Please ask the person who runs the console.")
        else:
            # TRANSLATORS: a wrong name or password (we never say which).
            message = tr("The name or the password is wrong.")
    return render_template("login.html", form=form, message=message), status


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        audit("logout")
        session.clear()
        # TRANSLATORS: shown on the login page after logging out.
        flash(tr("You have logged out."))
    return redirect(url_for("auth.login"))
