"""Field pieces shared by the areas' forms: a date typed the Finnish way, a
decimal with a comma, a chosen id, and the filter that strips a typed value."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from decimal import Decimal, InvalidOperation

from wtforms import DecimalField, StringField

from portal.forms import errors

DATE_KW = {"autocomplete": "off", "inputmode": "numeric"}


def strip(value: object) -> object:
    """A field filter: the typed text without spaces around it."""
    return value.strip() if isinstance(value, str) else value


class TypedTextField(StringField):
    """A value typed as text (a date, a time of day): `parse` reads it, `show`
    writes it back; what could not be read is shown again as it was typed."""

    value_type: type = object

    def parse(self, text: str) -> Any:  # raises ValueError with the message to show
        raise NotImplementedError

    def show(self, value: Any) -> str:
        return str(value)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        self.data = None
        if text:
            self.data = self.parse(text)

    def _value(self) -> str:
        if isinstance(self.data, self.value_type):
            return self.show(self.data)
        return getattr(self, "raw_text", "") or ""


class FinnishDateField(TypedTextField):
    """A date typed as 31.12.2027 (also 31.12.27 and 2027-12-31)."""

    value_type = date

    def parse(self, text: str) -> date:
        for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(str(errors.DATE_FORMAT))

    def show(self, value: date) -> str:
        return value.strftime("%-d.%-m.%Y")


class CommaDecimalField(DecimalField):
    """A decimal typed the Finnish way (5,5) or with a point."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        self.data = None
        if not text:
            return
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            raise ValueError(str(errors.WRITE_NUMBER)) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(errors.WRITE_NUMBER))


def int_or_zero(value: object) -> int:
    """A chosen id, or 0 ("not chosen": the required check says what to do)
    for anything else, also digits too many for any id (the database would
    fail on them) and digits that are not ASCII ("²")."""
    text = str(value) if isinstance(value, (str, int)) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
