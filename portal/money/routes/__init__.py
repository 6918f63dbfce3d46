"""Money pages: the client's earnings (client), the unit's month report (month_report), benefits and rates (benefits, rates)."""
