"""The access log (client data act 703/2023): appending events, sealing them
into a keyed chain, verifying it, and reading it for the client (whose page,
"who has processed my data", is routes.py).

See the README ("The access log") for the design.
"""

from portal.access_log.events import record, record_many
from portal.access_log.keys import configure
from portal.access_log.processing import (
    PAGE_SIZE,
    ProcessingEntry,
    ProcessingPage,
    processed_by_others,
    two_years_before,
)
from portal.access_log.seals import seal_pending
from portal.access_log.verify import ChainVerification, verify_chain

PROCESSING = ("read", "change", "print")

__all__ = [
    "PAGE_SIZE",
    "PROCESSING",
    "ChainVerification",
    "ProcessingEntry",
    "ProcessingPage",
    "configure",
    "processed_by_others",
    "record",
    "record_many",
    "seal_pending",
    "two_years_before",
    "verify_chain",
]
