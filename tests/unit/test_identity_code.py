"""Identity codes: checksum, every century sign, masking and encryption."""

from __future__ import annotations

import pytest

from portal import identity_code as hetu
from portal.demo import DEMO_PEOPLE


@pytest.mark.parametrize("person", DEMO_PEOPLE, ids=lambda p: p.given_name)
def test_demo_codes_are_valid(person) -> None:
    assert hetu.is_valid(person.identity_code)


@pytest.mark.parametrize("sign", list("+-YXWVUABCDEF"))
def test_every_century_sign_is_accepted(sign) -> None:
    code = hetu.with_check_character(f"010203{sign}952")
    assert hetu.validate(code.lower()) == code


@pytest.mark.parametrize(
    "code",
    ["010280-952K", "010280952L", "320180-952L", "290223-952X", "010280-001L", "010280G952L", "", "010280-952"],
)
def test_invalid_codes_are_refused(code) -> None:
    assert not hetu.is_valid(code)


def test_leap_day_is_valid_only_in_leap_years() -> None:
    assert hetu.is_valid(hetu.with_check_character("290200A952"))
    assert not hetu.is_valid(hetu.with_check_character("290201A952"))


def test_masked_shows_only_birth_date() -> None:
    assert hetu.masked("010280-952L") == "010280-****"


def test_vault_encrypts_and_hashes_with_its_key() -> None:
    vault = hetu.IdentityCodeVault("key one")
    sealed = vault.encrypt("010280-952L")
    assert "010280" not in sealed
    assert vault.decrypt(sealed) == "010280-952L"
    assert vault.encrypt("010280-952L") != sealed  # a fresh nonce every time
    assert vault.lookup_hash("010280-952l") == vault.lookup_hash("010280-952L")
    assert hetu.IdentityCodeVault("key two").lookup_hash("010280-952L") != vault.lookup_hash("010280-952L")
