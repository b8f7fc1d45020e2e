"""The routes model: menus, options, desks and the line's settings, as the loader builds them.

Immutable and pure; `ivr.routesfile.loader` reads routes.yaml into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .contacts import Email, Phone
from .dated import Calendar
from .hours import Hours
from .readings import Text

TOP_MENU = "top"
DEFAULT_VOICE = "Polly.Mizuki"
LANGUAGE = "ja-JP"
JAPANESE_VOICES = (
    "Polly.Mizuki", "Polly.Takumi", "Polly.Takumi-Neural", "Polly.Kazuha-Neural",
    "Polly.Tomoko-Neural", "Google.ja-JP-Standard-B", "Google.ja-JP-Standard-C",
    "Google.ja-JP-Standard-D", "Google.ja-JP-Wavenet-B", "Google.ja-JP-Wavenet-C",
    "Google.ja-JP-Wavenet-D",
)


@dataclass(frozen=True)
class InputSettings:
    """How long the line waits for a key, and how often it asks again."""

    timeout: int = 6
    max_silences: int = 2
    max_failures: int = 3
    transfer_timeout: int = 25
    min_confidence: float = 0.4


@dataclass(frozen=True)
class Keys:
    """Keys that mean the same on every menu and answer."""

    repeat: str = "9"
    top: str = "0"
    transfer: str = "1"
    sms: str = "2"


@dataclass(frozen=True)
class Desk:
    """A place that can help: who, how to reach it, when, and what it costs."""

    id: str
    name: str
    reading: str
    about: Text = ()
    phone: Phone | None = None
    email: Email | None = None
    email_reading: tuple[str, ...] = ()
    hours: Hours | None = None
    fee: Text = ()
    notes: tuple[Text, ...] = ()
    in_scope: bool = False
    transfer: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Option:
    """One key on a menu, leading to a desk's answer or to another menu."""

    key: str
    label: Text
    lead: Text = ()
    asked_as: Text = ()  # how a question names the topic (…のご相談でよろしいですか), if not its label
    scope_statement: bool = True
    desk: str | None = None
    menu: str | None = None
    says: tuple[str, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class Menu:
    """A menu: its options in the order they are read."""

    id: str
    intro: Text
    options: tuple[Option, ...]

    def option(self, key: str) -> Option | None:
        """The option behind a key, if any."""
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Unclear:
    """What the line asks a caller whose words are about its subject but name no topic."""

    says: tuple[str, ...]
    ask: Text  # the question said first (may be empty)
    topics: tuple[str, str]  # the two topics asked between, as menu/key


@dataclass(frozen=True)
class Routes:
    """Everything the line says and where every key leads."""

    voice: str
    greeting: Text
    scope_statement: Text
    input: InputSettings
    keys: Keys
    desks: dict[str, Desk]
    menus: dict[str, Menu]
    source: str
    digest: str
    calendar: Calendar = field(default_factory=Calendar)
    unclear: Unclear | None = None
    lines: Mapping[tuple, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def top(self) -> Menu:
        """The menu every call starts in."""
        return self.menus[TOP_MENU]

    def topic(self, topic: str) -> tuple[Menu, Option] | None:
        """The menu and option of a topic written menu/key, if both exist."""
        menu_id, _, key = topic.partition("/")
        menu = self.menus.get(menu_id)
        option = menu.option(key) if menu is not None else None
        return (menu, option) if option is not None else None

    def line(self, *path: str) -> int:
        """The line in the source file of a key path (or of its nearest ancestor)."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)
