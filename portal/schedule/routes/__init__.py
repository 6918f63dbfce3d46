"""The week's pages: the client's week and absences (week), the calendar feed (calendar), the staff's schedule editor (staff)."""
