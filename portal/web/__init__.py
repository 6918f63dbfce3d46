"""The HTTP machinery the areas share: the guard, middleware, templating,
the menu, labels, the error pages, paging, redirects and the kiosk device's
cookie. No page routes: those are in portal/<area>/routes (tests/unit/test_layout.py).
Path ids use the `id` convertor (portal.web.ids)."""

from portal.web import ids

ids.register()
