"""Attendance: the staff's day list for a group, marks and corrections
(day_list.py), and importing a client-record system's file (importing.py)."""
