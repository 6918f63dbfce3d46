"""The self-assessment's pages: the client's (client), the staff's queue and review (staff), answers typed in from paper (paper)."""
