"""What every entry point does first, the app factory and every CLI command
alike: set the process-wide secrets from the settings. (A command that wrote
the access log with the development key made the whole log read as forged
once the server, with the real key, verified it.)"""

from __future__ import annotations

from portal import access_log
from portal.settings import Settings


def configure_process(settings: Settings) -> None:
    access_log.configure(settings.access_log_key)
