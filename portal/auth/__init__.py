"""Strong identification, sessions, permissions and delegated access."""
