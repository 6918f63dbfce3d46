"""Messages pages: the client's threads and writing to the unit (client), the unit's inbox, threads and bulletins (staff)."""
