"""Staff schedule editor: groups, weekly templates, members, changes."""

routes: list = []
