"""The unit's follow-up (seuranta): what the service achieves, per unit and
month: active clients, feedback, attendance rate, self-assessments on time,
the change in each self-assessment area, and outcomes of ended periods. Any
figure about fewer than five persons is hidden, and so is any figure that
would let a hidden one be worked out (portal/followup/suppression.py)."""
