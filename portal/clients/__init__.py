"""The staff's clients: the search and list of their units' clients
(listing.py, on the staff's start page) and a client's page (routes.py)."""
