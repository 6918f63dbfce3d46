"""Money for attended days: dated rates, benefit status, earnings as pure
functions (earnings.py) and the client's month statement (statements.py)."""
