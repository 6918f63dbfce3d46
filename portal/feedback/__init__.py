"""Feedback: clients' "Anna palautetta" (client.py) and the accessibility
statement's feedback channel with its staff queue (accessibility.py)."""

from portal.feedback.accessibility import record_accessibility_feedback

__all__ = ["record_accessibility_feedback"]
