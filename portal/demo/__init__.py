"""Deterministic demo data: `./dev run` and the tests load it (`load_demo_data`).
The people are in `people`; each area's demo is a module here."""

from portal.demo.loader import load_demo_data
from portal.demo.people import DEMO_PEOPLE, TUPA, VERSTAS, DemoPerson, demo_period

__all__ = ["DEMO_PEOPLE", "TUPA", "VERSTAS", "DemoPerson", "demo_period", "load_demo_data"]
