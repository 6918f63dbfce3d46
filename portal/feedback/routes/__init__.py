"""Feedback pages: clients' feedback and its staff queue (client_feedback), accessibility feedback's staff queue (accessibility)."""
