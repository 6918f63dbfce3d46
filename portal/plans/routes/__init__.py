"""Plan pages: the plan and its goals (plan), the end of a period and its outcome (outcomes)."""
