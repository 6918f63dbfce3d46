"""The staff's clients: the search and list of their units' clients."""
