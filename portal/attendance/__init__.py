"""Attendance: the staff's day list for a group, marks and corrections."""
