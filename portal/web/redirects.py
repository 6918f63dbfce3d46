"""Where a redirect may lead: only a path on this site (the language switch,
the login's return address, the session page's `next`)."""

from __future__ import annotations


def local_path(candidate: str | None) -> str:
    """Only a path on this site may be a redirect target."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return "/"
    return candidate
