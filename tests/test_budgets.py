"""Page weight budgets: the front page HTML ≤ 14 KB and the CSS ≤ 10 KB gzipped."""

from __future__ import annotations

import gzip

from tests.helpers import soup


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_front_page_and_css_fit_their_budgets(client) -> None:
    page = client.get("/")
    assert gzipped_size(page.content) <= 14 * 1024
    css_url = soup(page).find("link", rel="stylesheet")["href"]
    assert gzipped_size(client.get(css_url).content) <= 10 * 1024


def test_front_page_needs_no_javascript(client) -> None:
    assert soup(client.get("/")).find("script") is None
