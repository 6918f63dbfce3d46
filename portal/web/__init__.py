"""Routes and middleware. Path ids use the `id` convertor (portal.web.ids)."""

from portal.web import ids

ids.register()
