"""Page weight budgets: the front page HTML ≤ 14 KB and the CSS ≤ 10 KB gzipped."""

from __future__ import annotations

import gzip

from tests.support.helpers import soup
from tests.support.login_flow import login


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_front_page_and_css_fit_their_budgets(client) -> None:
    page = client.get("/")
    assert gzipped_size(page.content) <= 14 * 1024
    css_url = soup(page).find("link", rel="stylesheet")["href"]
    assert gzipped_size(client.get(css_url).content) <= 10 * 1024


def test_front_page_needs_no_javascript(client) -> None:
    assert soup(client.get("/")).find("script") is None


def test_a_page_with_the_logged_in_header_and_menu_fits_the_budget(idp_client) -> None:
    login(idp_client, "010280-952L")
    for path in ("/home", "/"):
        page = idp_client.get(path)
        assert soup(page).find("nav", class_="menu") is not None
        assert gzipped_size(page.content) <= 14 * 1024
