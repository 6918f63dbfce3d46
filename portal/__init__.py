"""Oma työtoiminta: client portal for work and day activity services."""
