"""The bundled test OpenID Connect provider, for development and tests only.

It stands in for Suomi.fi e-Identification and the staff's provider: anyone
may sign in as a demo person or with any valid identity code, at a chosen
level of assurance. Built on Authlib's server classes (authorization code
with PKCE S256, nonce, RS256 ID tokens, userinfo and RP-initiated logout).
Production settings refuse to start with it on. The provider is
server.Provider, its pages views.routes; nothing is imported here, as
portal.models imports its table (models.py).
"""
