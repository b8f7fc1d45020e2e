"""The console's forms (Flask-WTF: every form carries its CSRF token). Labels are in the
templates; messages are translated when shown."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, PasswordField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .i18n import lazy_tr

SPANS = re.compile(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}")
# Spans as operators type them: full-width digits and colons (NFKC), wave dashes for hyphens,
# the ideographic comma between spans.
_DASHES = (chr(0x301C), "~")
_BETWEEN = re.compile("[\\s," + chr(0x3001) + "]+")


def spans_typed(text: str | None) -> list[str]:
    """The spans an operator typed, as routes.yaml writes them: ["10:00-12:00", …]."""
    text = unicodedata.normalize("NFKC", text or "")
    for dash in _DASHES:
        text = text.replace(dash, "-")
    return [s for s in _BETWEEN.split(text) if s]
# TRANSLATORS: a form field left empty.
REQUIRED = lazy_tr("Please fill this in.")
# TRANSLATORS: a date field that is not a date.
NOT_A_DATE = lazy_tr("Please give a date.")


class DayField(DateField):
    """A date from an <input type="date">, its error in the console's words."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(NOT_A_DATE)) from None


def longest(most: int) -> Length:
    # TRANSLATORS: a form field with too much text; %(max)d is the most characters allowed.
    return Length(max=most, message=lazy_tr("At most %(max)d characters."))


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(REQUIRED), longest(64)])
    password = PasswordField(validators=[DataRequired(REQUIRED), longest(1024)])


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token (logout, discard, remove)."""


class MessageForm(FlaskForm):
    """Publish or roll back: a message saying what changed and why."""

    message = StringField(validators=[DataRequired(REQUIRED), longest(500)])
    confirm_stale = BooleanField()


class DaysMixin:
    first = DayField(validators=[InputRequired(REQUIRED)])
    last = DayField(validators=[Optional()])

    def days(self) -> list[date]:
        from datetime import timedelta

        first, last = self.first.data, self.last.data or self.first.data
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def validate_last(self, field) -> None:
        if field.data and self.first.data and field.data < self.first.data:
            # TRANSLATORS: the last day of a closure or announcement is before its first.
            raise ValidationError(lazy_tr("The last day is before the first."))
        if field.data and self.first.data and (field.data - self.first.data).days > 60:
            # TRANSLATORS: a closure or special hours over more than 60 days.
            raise ValidationError(lazy_tr("At most 60 days at once."))


class ClosureForm(DaysMixin, FlaskForm):
    desks = SelectMultipleField(validators=[DataRequired(REQUIRED)])
    say = StringField(validators=[longest(300)])


class SpecialHoursForm(DaysMixin, FlaskForm):
    desk = StringField(validators=[DataRequired(REQUIRED)])
    spans = StringField(validators=[DataRequired(REQUIRED), longest(100)])
    say = StringField(validators=[longest(300)])

    def validate_spans(self, field) -> None:
        if not all(SPANS.fullmatch(s) for s in self.span_list()):
            # TRANSLATORS: special hours written wrongly; the example shows the form wanted.
            raise ValidationError(lazy_tr("Write the hours like 10:00-12:00 13:00-15:00."))

    def span_list(self) -> list[str]:
        return spans_typed(self.spans.data)


class AnnouncementForm(FlaskForm):
    first = DayField(validators=[InputRequired(REQUIRED)])
    last = DayField(validators=[InputRequired(REQUIRED)])
    say = StringField(validators=[DataRequired(REQUIRED), longest(300)])
    where = SelectMultipleField(validators=[DataRequired(REQUIRED)])

    def validate_last(self, field) -> None:
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError(lazy_tr("The last day is before the first."))


class RemoveForm(FlaskForm):
    section = HiddenField(validators=[DataRequired()])
    index = HiddenField(validators=[DataRequired()])


class EmergencyForm(FlaskForm):
    desks = SelectMultipleField(validators=[DataRequired(REQUIRED)])
    say = StringField(validators=[longest(300)])
    day = HiddenField()


class DeskForm(FlaskForm):
    name = StringField(validators=[DataRequired(REQUIRED), longest(200)])
    reading = StringField(validators=[longest(200)])
    phone = StringField(validators=[longest(30)])
    about = TextAreaField(validators=[longest(1000)])
    fee = TextAreaField(validators=[longest(1000)])
    notes = TextAreaField(validators=[longest(5000)])
    url = StringField(validators=[longest(300)])
    in_scope = BooleanField()
    transfer = BooleanField()
    days = StringField(validators=[longest(60)])
    spans = StringField(validators=[longest(100)])
    closed_holidays = BooleanField()
    closed_year_end = BooleanField()

    def span_list(self) -> list[str]:
        return spans_typed(self.spans.data)


class YamlForm(FlaskForm):
    text = TextAreaField(validators=[DataRequired(REQUIRED), longest(1024 * 1024)])


class TryForm(FlaskForm):
    source = StringField()
    at = DateTimeLocalField(format="%Y-%m-%dT%H:%M", validators=[Optional()])
    inputs = HiddenField()
    words = StringField(validators=[longest(200)])
    mobile = BooleanField()

    def moment(self) -> datetime | None:
        return self.at.data
