"""The client's start page (/home): it reads the other areas' cards (the
schedule's start, money, the self-assessment, bulletins, messages)."""
