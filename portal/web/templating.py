"""Jinja2 templates with Babel's gettext and the portal's formatters."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import BytecodeCache, Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket
from starlette.requests import Request
from starlette.responses import HTMLResponse

from portal import i18n
from portal.forms import csrf
from portal.web import labels, navigation
from portal.settings import PACKAGE_DIR, PROJECT_DIR

STATIC_DIR = PROJECT_DIR / "static"


@cache
def static_version(name: str) -> str:
    """A content hash, so a changed file gets a new URL and may be cached long."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_version(name)}"


def _gettext(message: str, **variables: Any) -> str:
    return i18n.gettext(message, **variables)


def _ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    return i18n.ngettext(singular, plural, n, **variables)


# The names of codes (services, roles, actions...), lazily translated texts.
_LABELS = {
    "service_names": labels.SERVICE_NAMES,
    "role_names": labels.ROLE_NAMES,
    "action_names": labels.ACTION_NAMES,
    "object_names": labels.OBJECT_NAMES,
    "reason_names": labels.ABSENCE_REASONS,
    "money_kind_names": labels.MONEY_KINDS,
    "benefit_names": labels.BENEFITS,
}


@cache
def labels_in(code: str) -> dict[str, dict[str, str]]:
    """The names of codes translated once per language: a page listing 50
    log events otherwise translated 300 lazy texts on every view."""
    with i18n.language(code):
        return {name: {key: str(text) for key, text in texts.items()} for name, texts in _LABELS.items()}


class _CompiledTemplates(BytecodeCache):
    """Compiled templates shared by every environment of the process (keyed
    by the template's source): an app compiles a template only if no app of
    the process has yet. The tests make thousands of apps."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment() -> Environment:
    env = Environment(
        bytecode_cache=_COMPILED,
        loader=FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are read once; the portal is restarted to change them
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(static_url=static_url, language_names=i18n.LANGUAGE_NAMES, **_LABELS)
    env.filters.update(
        day=i18n.format_day,
        full_date=i18n.format_full_date,
        timestamp=i18n.format_timestamp,
        money=i18n.format_money,
        clock=i18n.format_clock,
        time_range=i18n.format_time_range,
        number=i18n.format_number,
        tenths=i18n.format_tenths,
        percent=i18n.format_percent,
        month=i18n.format_month,
        one_stop=one_full_stop,
    )
    return env


def one_full_stop(sentence: str) -> str:
    """A sentence that ends in a Finnish date ('ma 30.11.') ends in one full stop, not two."""
    return sentence[:-1] if sentence.endswith("..") else sentence


def here(request: Request) -> str:
    """The current path and query as one encoded value, for '?next=' links."""
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return quote(path, safe="/")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    locale = i18n.get_locale()
    values = {
        "request": request,
        "locale": locale,
        "here": here(request),
        **labels_in(locale),
        **(context or {}),
    }
    # The logged-in person (a guarded route or a public page with a session)
    # gets the header, the session's end and the menu on every page.
    viewer = values.setdefault("viewer", getattr(request.state, "viewer", None))
    values.setdefault("menu", navigation.menu_for(request, viewer.actor) if viewer is not None else [])
    values.setdefault(
        "csrf_token", csrf.token_for(request.app.state.settings.secret_key, request.state.csrf_seed)
    )
    form = values.get("form")
    values.setdefault("errors", form.error_list if form is not None else [])
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)
