"""The console's operator accounts and their logins, in the records database.

Passwords are kept only as werkzeug's salted scrypt hashes. Wrong passwords are counted in the
database, by account and by client address, so that every worker and every replica throttles
alike: 20 wrong passwords in 15 minutes lock the account until the oldest of them is 15 minutes
old; 100 from one address lock that address the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.notices import notice
from ..records.summary import utc
from ..records.tables import console_accounts, console_login_failures

ROLES = ("viewer", "editor", "publisher")  # each may do what the ones before it may
ACCOUNT_LIMIT = 20  # wrong passwords for one account within WINDOW lock it
ADDRESS_LIMIT = 100  # wrong passwords from one address within WINDOW lock that address
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
NAME = re.compile(r"[\w.@-]{1,64}")
HASH_METHOD = "scrypt"
# Checked when the name is unknown, so that an unknown name takes as long as a known one.
_UNKNOWN = generate_password_hash("an account that does not exist", method=HASH_METHOD)


class AccountError(ValueError):
    """An account cannot be added or changed as asked (the message says why, in English)."""


@dataclass(frozen=True)
class Account:
    """An operator: name, role, and whether the account may log in."""

    name: str
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    fingerprint: str  # changes whenever the password does: a session made before is void

    def may(self, role: str) -> bool:
        """Whether this account may do what `role` may (a publisher may everything)."""
        return not self.disabled and ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Login:
    """The outcome of a login: the account, or why not (and until when, when locked)."""

    account: Account | None
    refused: str | None = None  # "password", "account_locked", "address_locked", "disabled"
    until: datetime | None = None


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def check_name(name: str) -> str:
    """The name, if it is one an account may have."""
    if not NAME.fullmatch(name or ""):
        # TRANSLATORS: ivr operators add: the account name given is not allowed.
        raise AccountError(notice("a name is 1 to 64 letters, digits, '.', '@', '_' or '-'"))
    return name


def check_password(password: str) -> str:
    """The password, if it is long enough."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        # TRANSLATORS: ivr operators add: the password given is too short.
        raise AccountError(notice("a password has at least %(count)s characters", count=MIN_PASSWORD))
    return password


class Accounts:
    """The accounts and their logins, in the records database (`make_engine`'s engine)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None):
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def _now(self) -> datetime:
        return utc(self._clock())

    @staticmethod
    def _account(row) -> Account:
        return Account(row["name"], row["role"], bool(row["disabled"]), utc(row["created_at"]),
                       utc(row["last_login_at"]) if row["last_login_at"] else None,
                       _fingerprint(row["password_hash"]))

    def add(self, name: str, role: str, password: str) -> Account:
        """A new account; AccountError if the name is taken or the name, role or password unfit."""
        check_name(name)
        if role not in ROLES:
            # TRANSLATORS: an account's role must be one of these words (viewer, editor, publisher).
            raise AccountError(notice("the role is one of %(roles)s", roles=list(ROLES)))
        hashed = generate_password_hash(check_password(password), method=HASH_METHOD)
        try:
            with self.engine.begin() as connection:
                connection.execute(console_accounts.insert().values(
                    name=name, role=role, password_hash=hashed, disabled=False,
                    created_at=self._now()))
        except IntegrityError:
            # TRANSLATORS: ivr operators add: the name is taken.
            raise AccountError(notice("there is already an account named %(name)s", name=name)) from None
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        """A new password for an account (sessions made with the old one end)."""
        hashed = generate_password_hash(check_password(password), method=HASH_METHOD)
        with self.engine.begin() as connection:
            changed = connection.execute(update(console_accounts).where(console_accounts.c.name == name)
                                         .values(password_hash=hashed)).rowcount
        if not changed:
            # TRANSLATORS: ivr operators: no account has this name.
            raise AccountError(notice("there is no account named %(name)s", name=name))

    def disable(self, name: str) -> None:
        """The account can no longer log in, and its sessions end at their next request."""
        with self.engine.begin() as connection:
            changed = connection.execute(update(console_accounts).where(console_accounts.c.name == name)
                                         .values(disabled=True)).rowcount
        if not changed:
            # TRANSLATORS: ivr operators: no account has this name.
            raise AccountError(notice("there is no account named %(name)s", name=name))

    def get(self, name: str) -> Account | None:
        """An account by name."""
        with self.engine.connect() as connection:
            row = connection.execute(select(console_accounts).where(console_accounts.c.name == name)
                                     ).mappings().one_or_none()
        return None if row is None else self._account(row)

    def all(self) -> list[Account]:
        """Every account, by name."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(console_accounts).order_by(console_accounts.c.name)).mappings()
            return [self._account(row) for row in rows]

    def login(self, name: str, password: str, address: str) -> Login:
        """Check a name and password from a client address, counting wrong ones."""
        now = self._now()
        since = now - WINDOW
        name = (name or "")[:64]
        address = (address or "unknown")[:64]
        failures = console_login_failures.c
        with self.engine.begin() as connection:
            connection.execute(delete(console_login_failures).where(failures.at < since))
            for column, limit, refusal in ((failures.account, ACCOUNT_LIMIT, "account_locked"),
                                           (failures.address, ADDRESS_LIMIT, "address_locked")):
                key = name if column is failures.account else address
                recent = connection.execute(
                    select(failures.at).where(column == key, failures.at >= since)
                    .order_by(failures.at.desc()).limit(limit)).scalars().all()
                if len(recent) >= limit:
                    return Login(None, refusal, utc(recent[-1]) + WINDOW)
            row = connection.execute(select(console_accounts).where(console_accounts.c.name == name)
                                     ).mappings().one_or_none()
        right = check_password_hash(row["password_hash"] if row else _UNKNOWN, password or "")
        if row is None or not right:
            with self.engine.begin() as connection:
                connection.execute(console_login_failures.insert().values(
                    at=now, account=name, address=address))
            return Login(None, "password")
        account = self._account(row)
        if account.disabled:
            return Login(None, "disabled")
        with self.engine.begin() as connection:
            connection.execute(delete(console_login_failures).where(failures.account == name))
            connection.execute(update(console_accounts).where(console_accounts.c.name == name)
                               .values(last_login_at=now))
        return Login(account)

    def failures(self, name: str) -> int:
        """Wrong passwords for an account within the window (for tests and the accounts list)."""
        since = self._now() - WINDOW
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(console_login_failures).where(
                console_login_failures.c.account == name, console_login_failures.c.at >= since)).scalar()
