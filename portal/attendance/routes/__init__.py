"""Attendance's pages: the staff's day list and its marks (marks), the unit
manager's upload of a client-record system's file (importing)."""
