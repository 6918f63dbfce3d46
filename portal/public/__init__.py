"""The pages anyone may open without logging in: the front page, the
accessibility statement and its feedback form, contact details, and the
language switch (routes.py). The feedback itself is portal.feedback's."""
