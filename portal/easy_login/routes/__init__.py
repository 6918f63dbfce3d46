"""The easy login's pages: the kiosk (number code, enrolment), the client's
own settings, the staff's part, and passkeys."""
