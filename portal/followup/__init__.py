"""The unit's follow-up (seuranta): what the service achieves, per unit and
month, from the data that exists today (active clients, feedback, outcomes
of ended periods). Any figure about fewer than five persons is suppressed so
that no one can be recognised. Attendance and self-assessment figures join
when those areas are merged."""
