"""The interop tests: the portal logs in through panva's oidc-provider, the
Node project beside this file (package.json; ./dev installs node_modules).
Every test in this folder is marked `interop` here (so `-m "not interop"`
leaves them out)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.interop)
