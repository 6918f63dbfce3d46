"""Weekly schedules: groups and their weekly template, clients in groups,
changes for a day or a week, the client's week, absence notices and the
calendar feed. No HTTP here; portal/web/week_pages.py and
portal/web/schedule_pages.py call these functions.

Issue 10 (attendance and money) takes the expected clients of a day from
`portal.schedule.week.expected_clients`.
"""
