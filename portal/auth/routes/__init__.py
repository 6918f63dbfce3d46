"""Login's and mandates' pages: logging in and out, choosing whose matters to
handle and keeping the session (login), what the identity providers call
(oidc)."""
