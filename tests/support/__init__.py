"""Shared helpers of the tests (not test modules): imported by the test modules and by tests/conftest.py."""
