"""What callers hear, in words: the speech a step is made of, assembled from the catalog and routes.yaml.

Pure code: no Flask, no Twilio, no clock. CallFlow (flow.py) decides where a caller goes and
what is true at the moment of the call (whether a desk is open, what the calendar sets today,
when it next opens); this module says it. `build_speech` makes, once per routes file, every
part that does not change with the time of the call; `Speech`'s methods add the dated parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType

from .contacts import parse_phone
from .dated import Announcement
from .hours import DayHours, Span
from .readings import Reader, Segment, Slow, Translations, Words
from .routes import Desk, Menu, Option, Routes

FALLBACK_NUMBER = "188"
# What a caller's words may ask for besides a topic, as `Step.heard` and the metrics show it.
AGAIN, FIRST_MENU, TRANSFER, TEXT, WAIT, THANKS = "again", "first_menu", "transfer", "text", "wait", "thanks"
YES, NO, NEITHER, FIRST, SECOND = "yes", "no", "neither", "first", "second"

Segments = tuple[Segment, ...]


def frame(template: str, **parts: str | Segment | tuple[Segment, ...]) -> tuple[Segment, ...]:
    """Fill a catalog template; text parts are substituted, segment parts split it."""
    texts = {k: v for k, v in parts.items() if isinstance(v, str)}
    segments = {k: v for k, v in parts.items() if not isinstance(v, str)}
    out: list[Segment] = []
    rest = template
    while True:
        found = [(rest.find(f"%({k})s"), k) for k in segments if f"%({k})s" in rest]
        if not found:
            break
        at, name = min(found)
        if at:
            out.append(Words(rest[:at] % texts))
        value = segments[name]
        out.extend(value if isinstance(value, tuple) else (value,))
        rest = rest[at + len(f"%({name})s"):]
    if rest:
        out.append(Words(rest % texts))
    return tuple(out)


def label_text(label) -> str:
    """An option's label as plain text (numbers and addresses left out), as records keep it."""
    return "".join(part for part in label if isinstance(part, str))


def listens_for_words(routes: Routes) -> bool:
    """Whether callers may say their trouble wherever a menu listens: some option has `says:`."""
    return any(o.says for m in routes.menus.values() for o in m.options)


def fault_speech(reader: Reader) -> Segments:
    """What a caller hears when the line itself has failed: an apology and 188."""
    # TRANSLATORS: said when the line has an internal fault; %(number)s is 188, read digit by digit.
    text = reader.t.gettext(
        "We are sorry, this line is having a problem. "
        "Please call the consumer hotline on %(number)s."
    )
    return frame(text, number=reader.phone(parse_phone(FALLBACK_NUMBER)))


@dataclass(frozen=True, slots=True)
class Contact:
    """The first giving of a desk's number or address, with whose it is, and the second."""

    first: Segments
    again: Segments


@dataclass(frozen=True, slots=True)
class Speech:
    """The line's wording for one routes file: the tables made by `build_speech`, and the
    sentences that depend on the moment of the call, made from what the flow decided."""

    routes: Routes
    reader: Reader
    greeting: Segments
    menus: Mapping[str, Segments]  # menu id → the menu read out whole
    contacts: Mapping[str, Contact]  # desk id → its number or address, given twice
    heads: Mapping[tuple[str, str], Segments]  # (menu, key) → an answer up to its hours
    hours: Mapping[str, Segments]  # desk id → its usual hours in words
    closings: Mapping[str, Segments]  # desk id → what an answer says after the hours
    keys: Mapping[tuple[str, bool, bool], Segments]  # (desk, transfer offered, texting) → an answer's keys
    notices: Mapping[int, Segments]  # announcement index → what it says

    @property
    def t(self) -> Translations:
        return self.reader.t

    # -- menus, announcements, questions ----------------------------------------------

    def menu(self, menu: Menu, upto: str | None = None) -> Segments:
        """A menu read out: intro, each option with its key, then how to go on (speak or press,
        or the key back to the first menu).

        With `upto`, only as far as that option's key: what a caller who presses
        as soon as they hear their topic has heard.
        """
        if upto is None:
            return self.menus[menu.id]
        return menu_speech(self.routes, self.reader, menu, upto=upto)

    def announcements(self, found: tuple[Announcement, ...]) -> Segments:
        """Dated announcements, in the order routes.yaml lists them."""
        speech: Segments = ()
        for announcement in found:
            speech += self.notices[announcement.index]
        return speech

    def question(self, topics: tuple[str, ...], asked: bool = True) -> Segments | None:
        """The question about these topics (menu/key), or None if one no longer exists;
        without `asked`, a question between two leaves out the unclear words' `ask:` sentence
        and only gives the choices."""
        found = [self.routes.topic(topic) for topic in topics]
        if not found or None in found:
            return None
        labels = [self.reader.text(option.asked_as or option.label) for _, option in found]
        if len(labels) == 1:
            # TRANSLATORS: confirms the topic understood from the caller's words, e.g.
            # 身に覚えのない請求のご相談でよろしいですか。はいは1、いいえは2を押すか、お答えください。
            text = self.t.gettext("Is it about %(topic)s? For yes press 1, for no press 2, or say so.")
            return frame(text, topic=labels[0])
        unclear = self.routes.unclear
        before = (self.reader.text(unclear.ask)
                  if asked and unclear and tuple(topics) == unclear.topics else ())
        # TRANSLATORS: asks which of two topics the caller means, e.g.
        # 身に覚えのない請求のご相談なら1、広告メールのご相談なら2を押すか、お答えください。
        text = self.t.gettext("If it is about %(first)s press 1; if it is about %(second)s "
                              "press 2; or say which.")
        return before + frame(text, first=labels[0], second=labels[1])

    # -- answers ----------------------------------------------------------------------

    def contact(self, desk: Desk) -> Segments:
        """The desk's number or address, said twice so it can be written down."""
        parts = self.contacts[desk.id]
        return parts.first + parts.again

    def desk_hours(self, desk: Desk, today: DayHours | None, open_now: bool,
                   opens: datetime | None, day: date, day_off: bool = False) -> Segments:
        """The desk's hours in words, that day's closure or special hours, and when it next opens.

        `today` is what the calendar sets for the desk on `day` (None: nothing), `open_now`
        whether it takes calls now, `opens` when it next opens if it does not, `day_off` whether
        `day` is one of its usual closed days (a weekend, a holiday, the year-end break): then
        the desk is closed all day, not just at this time.
        """
        speech = self.hours[desk.id]
        if desk.hours is None or not desk.hours.known:
            return speech
        if today is not None and desk.hours.always:
            # That day's closure or hours replace 24時間、年中無休, which they would contradict.
            speech = ()
        if today is not None:
            if not today.closed:
                speech += (self._special_hours(today.spans),)
            speech += self.reader.text(today.say)
        if open_now:
            return speech
        if (today is None or not today.closed) and not day_off:
            # TRANSLATORS: the desk is closed at the moment of the call.
            speech += (Words(self.t.gettext("It is closed at this time.")),)
        elif today is None or not today.say:
            # TRANSLATORS: the desk is closed all day today: one of its usual closed days (a
            # weekend, a holiday) or by the operators' calendar (臨時休業).
            speech += (Words(self.t.gettext("It is closed all day today.")),)
        if opens is not None:
            speech += (self._opening(opens, day),)
        return speech

    def _special_hours(self, spans: tuple[Span, ...]) -> Words:
        """A day's special hours from the calendar, as a sentence."""
        # TRANSLATORS: one day's special hours, e.g. 本日の受付時間は、午前10時から午前11時までです。
        text = self.t.gettext("Today's hours are %(spans)s.")
        return Words(text % {"spans": self.reader.spans(spans)})

    def _opening(self, opens: datetime, today: date) -> Words:
        """When a closed desk next opens, as a sentence."""
        # TRANSLATORS: when a closed desk opens, e.g. 次の受付は、12月1日火曜日の午前10時からです。
        text = self.t.gettext("It next opens %(when)s.")
        now = datetime.combine(today, time(), tzinfo=opens.tzinfo)
        return Words(text % {"when": self.reader.opening(opens, now)})

    def answer_keys(self, desk: Desk, offer_transfer: bool, texting: bool) -> Segments:
        """The keys after an answer: put through (when offered), by text (when `texting`),
        hear again, back to the top."""
        return self.keys[desk.id, offer_transfer, texting]

    def putting_through(self, desk: Desk) -> Segments:
        # TRANSLATORS: said just before the call is put through to a desk.
        text = self.t.gettext("Putting you through to %(name)s. Please hold.")
        return (Words(text % {"name": desk.reading}),)

    def sending_text(self) -> Words:
        # TRANSLATORS: the caller asked for the desk's details by text message; it goes out now.
        return Words(self.t.gettext("We are sending it to you by text message."))

    # -- apologies --------------------------------------------------------------------

    def menu_changed(self) -> Words:
        # TRANSLATORS: the menus changed during the call; the caller is taken back to the first menu.
        return Words(self.t.gettext("We are sorry, the menu has changed. Back to the first menu."))

    def read_again(self) -> Words:
        # TRANSLATORS: said before a menu is read again after the caller pressed nothing.
        return Words(self.t.gettext("Let me read the choices again."))

    def key_not_on_menu(self) -> Words:
        # TRANSLATORS: the caller pressed a key that is not on the menu.
        return Words(self.t.gettext("That key cannot be chosen."))

    def words_not_understood(self) -> Words:
        # TRANSLATORS: the caller's words did not clearly name a topic; the menu follows, which
        # ends by inviting keys or words.
        return Words(self.t.gettext("We are sorry, we could not tell what you need."))

    def answer_not_understood(self) -> Words:
        # TRANSLATORS: the caller's answer to a question was not understood; the question follows.
        return Words(self.t.gettext("We are sorry, we could not hear your answer."))

    def which_one(self) -> Words:
        # TRANSLATORS: the caller said yes to a question between two topics without saying
        # which; the choices follow (…なら1、…なら2を押すか、お答えください。).
        return Words(self.t.gettext("Which of the two is it?"))

    def desk_first(self) -> Words:
        # TRANSLATORS: at a menu, the caller asked to be put through or for a text message before
        # saying what the trouble is; the menu follows.
        return Words(self.t.gettext("First, we will find the right desk for your trouble."))

    def waiting(self) -> Words:
        # TRANSLATORS: the caller asked the line to wait at an answer (to fetch a pen); repeat
        # is the key that reads the answer again, e.g. はい、お待ちしております。ご用意ができ
        # ましたら、9を押すか、「もう一度」とおっしゃってください。
        text = self.t.gettext("Of course, we will wait. When you are ready, press %(repeat)s or "
                              "say 'again'.")
        return Words(text % {"repeat": self.routes.keys.repeat})

    def then_choose(self) -> Words:
        # TRANSLATORS: the caller said no to the question asked; the menu follows.
        return Words(self.t.gettext("Then please choose from the menu."))

    def keys_not_understood(self) -> Words:
        # TRANSLATORS: words at an answer that asked for none of its keys; the keys follow.
        return Words(self.t.gettext("We are sorry, we could not hear what you said."))

    def no_transfer(self) -> Words:
        # TRANSLATORS: the caller asked in words to be put through to a desk that takes no transfers.
        return Words(self.t.gettext("We are sorry, we cannot put you through to this desk."))

    def no_text_to_this_phone(self) -> Words:
        # TRANSLATORS: the caller asked in words for a text message this call cannot get
        # (not from a Japanese mobile, or the line sends none); the number is read again.
        return Words(self.t.gettext("We are sorry, we cannot send a text message to this phone."))

    def nothing_to_text(self) -> Words:
        # TRANSLATORS: the caller asked in words for a text message at the answer of a desk with
        # no number or address to send (each SNS's help pages); the answer's words follow.
        return Words(self.t.gettext("We are sorry, this desk has no number or address to send by "
                                    "text message."))

    def text_refused(self, over_limit: bool) -> Words:
        if over_limit:
            # TRANSLATORS: the caller asked for a text message over the limits against abuse.
            return Words(self.t.gettext("We are sorry, we cannot send any more text messages."))
        # TRANSLATORS: a text message could not be sent (the sender is not available).
        return Words(self.t.gettext("We are sorry, we cannot send a text message right now."))

    def not_put_through(self) -> Words:
        # TRANSLATORS: a transfer to a desk did not connect (busy, no answer, failed).
        return Words(self.t.gettext("We are sorry, we could not put you through."))

    # -- endings ----------------------------------------------------------------------

    def goodbye(self) -> Segments:
        # TRANSLATORS: the last words of a call.
        return (Words(self.t.gettext("Thank you for calling.")),)

    def farewell(self, option: Option, twice: bool = False) -> Segments:
        """The last words at an answer: its lead (110 first, for the police) and its number
        once more (`twice`, with 繰り返します and the number again, where the caller has not
        heard the answer), then goodbye; not 188, which may be the wrong place for this caller."""
        contact = self.contacts[option.desk]
        return (self.reader.text(option.lead) + contact.first + (contact.again if twice else ())
                + self.goodbye())

    def give_up(self) -> Segments:
        """The last words of a call that found no way forward, pointing to 188 as the place to start."""
        # TRANSLATORS: ends a call after repeated silence or wrong keys; %(number)s is 188.
        text = self.t.gettext(
            "We are sorry we could not help. If you are not sure where to ask, please call "
            "the consumer hotline on %(number)s. Thank you for calling."
        )
        return frame(text, number=self.reader.phone(parse_phone(FALLBACK_NUMBER)))


def build_speech(routes: Routes, reader: Reader) -> Speech:
    """Everything callers hear that does not change with the time of the call, for one routes file."""
    contacts = {d.id: contact_parts(d, reader) for d in routes.desks.values()}
    return Speech(
        routes=routes,
        reader=reader,
        greeting=reader.text(routes.greeting),
        menus=MappingProxyType({m.id: menu_speech(routes, reader, m) for m in routes.menus.values()}),
        contacts=MappingProxyType(contacts),
        heads=MappingProxyType({(m.id, o.key): answer_head(routes, reader, o, contacts[o.desk])
                                for m in routes.menus.values() for o in m.options if o.desk is not None}),
        hours=MappingProxyType({d.id: (Words(reader.hours(d.hours)),) if d.hours else ()
                                for d in routes.desks.values()}),
        closings=MappingProxyType({d.id: closing(d, reader) for d in routes.desks.values()}),
        keys=MappingProxyType({(d.id, offer, texting): answer_keys(routes, reader, d, offer, texting)
                               for d in routes.desks.values() for offer in (False, True)
                               for texting in (False, True)}),
        notices=MappingProxyType({a.index: reader.text(a.say) for a in routes.calendar.announcements}),
    )


def menu_speech(routes: Routes, reader: Reader, menu: Menu, upto: str | None = None) -> Segments:
    """A menu read out (see `Speech.menu`)."""
    t = reader.t
    speech = reader.text(menu.intro)
    # TRANSLATORS: one menu choice, e.g. 広告や宣伝のメールは1を、
    choice = t.gettext("%(label)s, press %(key)s;")
    for option in menu.options:
        speech += frame(choice, label=reader.text(option.label), key=option.key)
        if option.key == upto:
            return speech
    keys = {"repeat": routes.keys.repeat, "top": routes.keys.top}
    if menu.id == routes.top.id and listens_for_words(routes):
        # TRANSLATORS: ends the first menu where the line also listens for words (silence,
        # or the repeat key, reads it again), e.g. 番号を押すか、ご用件をお話ください。
        tail = t.gettext("Press a key, or tell us your trouble in your own words.")
    elif menu.id == routes.top.id:
        # TRANSLATORS: ends the first menu, e.g. もう一度お聞きになるには9を押してください。
        tail = t.gettext("To hear this again, press %(repeat)s.")
    else:
        # TRANSLATORS: ends a submenu (silence, or the repeat key, reads it again), e.g.
        # 最初に戻るには0を押してください。
        tail = t.gettext("To go back to the first menu, press %(top)s.")
    return speech + (Words(tail % keys),)


def contact_parts(desk: Desk, reader: Reader) -> Contact:
    """The first giving of the desk's number or address, with whose it is, and the second.

    The number comes first, the desk's name right after it: a caller who pressed for a
    topic hears the number without waiting for the name.
    """
    t = reader.t
    speech: Segments = ()
    later: Segments = ()
    # TRANSLATORS: said again so the caller can check what they wrote down.
    again = t.gettext("Once more: %(number)s.")
    # TRANSLATORS: the desk whose number or address was just given, e.g. 消費者ホットラインです。
    whose = Words(t.gettext("That is %(name)s.") % {"name": desk.reading})
    if desk.phone:
        number = reader.phone(desk.phone)
        # TRANSLATORS: a desk's telephone number, first thing in its answer, e.g. 番号は、188です。
        first = t.gettext("The number is %(number)s.")
        speech += frame(first, number=number) + (whose,)
        later += frame(again, number=number)
    if desk.email:
        address = reader.email(desk.email)
        # TRANSLATORS: a desk's email address, spelled out after this sentence's start.
        first = t.gettext("The email address is %(number)s.")
        if desk.email_reading:
            # The address said as words first, then spelled once: spelled twice, the phishing
            # answer passes Twilio's limit on one <Say>; the text message and the repeat key
            # give it again.
            words = Slow(desk.email.address, desk.email_reading)
            # TRANSLATORS: the address just said as words, now spelled letter by letter.
            spelled = t.gettext("It is spelled %(number)s.")
            speech += frame(first, number=words)
            later += frame(spelled, number=address)
        else:
            speech += frame(first, number=address)
            later += frame(again, number=address)
        if not desk.phone:
            speech += (whose,)
    return Contact(speech, later)


def answer_head(routes: Routes, reader: Reader, option: Option, contact: Contact) -> Segments:
    """An answer up to its hours: lead, number or address, scope statement, the number again, about.

    The scope statement follows the first giving of the number, so that a caller hears
    the number they need first.
    """
    desk = routes.desks[option.desk]
    speech = reader.text(option.lead) + contact.first
    if not desk.in_scope and option.scope_statement:
        speech += reader.text(routes.scope_statement)
    return speech + contact.again + reader.text(desk.about)


def closing(desk: Desk, reader: Reader) -> Segments:
    """What an answer says after the hours: the cost, then the notes."""
    speech = reader.text(desk.fee)
    for note in desk.notes:
        speech += reader.text(note)
    return speech


def answer_keys(routes: Routes, reader: Reader, desk: Desk, offer_transfer: bool,
                texting: bool) -> Segments:
    """The keys after an answer (see `Speech.answer_keys`)."""
    t, keys = reader.t, routes.keys
    speech: Segments = ()
    if offer_transfer and desk.transfer:
        # TRANSLATORS: offered only while the desk is open, e.g. 今すぐおつなぎするには1を、
        speech += (Words(t.gettext("To be put through now, press %(key)s;") % {"key": keys.transfer}),)
    if texting and desk.phone:
        # TRANSLATORS: offered to callers from a Japanese mobile, e.g. この番号をショートメッセージでお送りするには2を、
        speech += (Words(t.gettext("To get this number by text message, press %(key)s;")
                         % {"key": keys.sms}),)
    elif texting and desk.email:
        # TRANSLATORS: as above, for a desk reached by email, e.g. このアドレスをショートメッセージでお送りするには2を、
        speech += (Words(t.gettext("To get this address by text message, press %(key)s;")
                         % {"key": keys.sms}),)
    # TRANSLATORS: ends an answer, e.g. もう一度お聞きになるには9を、最初のメニューに戻るには0を押してください。
    tail = t.gettext("To hear this again, press %(repeat)s; for the first menu, press %(top)s.")
    return speech + (Words(tail % {"repeat": keys.repeat, "top": keys.top}),)


def command_words(t: Translations) -> list[tuple[str, tuple[str, ...]]]:
    """What callers say for an answer's keys (and, at a menu, for again and the first menu)."""
    return _split([
        # TRANSLATORS: phrases a caller may say to hear a menu, answer or question again,
        # separated by | (e.g. もう一度|もう一回|繰り返して).
        (AGAIN, t.gettext("again|once more|repeat that|say that again")),
        # TRANSLATORS: phrases a caller may say to go back to the first menu, separated by |.
        (FIRST_MENU, t.gettext("first menu|back to the start|start again")),
        # TRANSLATORS: phrases a caller may say at an answer to be put through, separated by |.
        (TRANSFER, t.gettext("put me through|connect me|transfer me")),
        # TRANSLATORS: phrases a caller may say at an answer to get it by text message,
        # separated by |.
        (TEXT, t.gettext("send it by text|text it to me|send me a text message")),
        # TRANSLATORS: phrases a caller may say at an answer to ask the line to wait while they
        # fetch something to write with, separated by |.
        (WAIT, t.gettext("wait|hold on|let me get a pen|I will write it down")),
        # TRANSLATORS: phrases a caller may say at an answer when they have what they needed
        # (the line then says goodbye), separated by |.
        (THANKS, t.gettext("thank you|I understand|that is all")),
    ])


def reply_words(t: Translations) -> list[tuple[str, tuple[str, ...]]]:
    """What callers say to answer a question."""
    return _split([
        # TRANSLATORS: phrases that answer yes to a question, separated by |.
        (YES, t.gettext("yes|right|that is right|please")),
        # TRANSLATORS: phrases that answer no to a question, separated by |.
        (NO, t.gettext("no|that is wrong|not that")),
        # TRANSLATORS: phrases that answer "neither" to a question between two, separated by |.
        (NEITHER, t.gettext("neither|none of them")),
        # TRANSLATORS: phrases that choose the first of two, separated by |.
        (FIRST, t.gettext("the first|number one")),
        # TRANSLATORS: phrases that choose the second of two, separated by |.
        (SECOND, t.gettext("the second|number two")),
    ])


def _split(meanings: list[tuple[str, str]]) -> list[tuple[str, tuple[str, ...]]]:
    """Catalog messages of phrases joined by | as (meaning, phrases)."""
    return [(meaning, tuple(w.strip() for w in message.split("|") if w.strip()))
            for meaning, message in meanings]
