"""Weekly schedules: groups and their weekly template, clients in groups,
changes for a day or a week, the client's week, absence notices and the
calendar feed. No HTTP here; portal/schedule/routes/week.py and
portal/schedule/routes/staff.py call these functions.

Issue 10 (attendance and money) takes the expected clients of a day from
`portal.schedule.week.expected_clients`.
"""
