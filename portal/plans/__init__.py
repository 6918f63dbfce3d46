"""Implementation plans and their goals: rules per service, reading and saving.

No HTTP here; portal/web/plan_pages.py calls these functions.
"""
