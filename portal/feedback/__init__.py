"""Feedback: clients' "Anna palautetta" (client.py) and the accessibility
statement's feedback channel with its staff queue (accessibility.py); their
tables in models.py. Nothing is imported here: portal.models imports models.py."""
