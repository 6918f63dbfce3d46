"""Implementation plans and their goals: rules per service, reading and saving.

No HTTP here; portal/plans/routes/plan.py calls these functions.
"""
