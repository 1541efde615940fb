"""Passwords are stored with Argon2id at the parameters chosen in liaison/hashers.py; hashes
made before (PBKDF2) are still accepted and upgraded at the next sign-in."""

import importlib

from django.contrib.auth.hashers import make_password

from liaison.hashers import TunedArgon2PasswordHasher


def _project_hashers() -> list[str]:
    # The suite swaps in a fast hasher (tests/conftest.py); read what production uses.
    return importlib.import_module("liaison.settings").PASSWORD_HASHERS


def test_production_stores_argon2id_with_the_chosen_parameters(settings):
    settings.PASSWORD_HASHERS = _project_hashers()
    encoded = make_password("correct-horse-battery")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert TunedArgon2PasswordHasher().verify("correct-horse-battery", encoded)


def test_an_older_pbkdf2_hash_signs_in_and_is_upgraded(settings, alice):
    settings.PASSWORD_HASHERS = list(reversed(_project_hashers()))
    alice.set_password("correct-horse-battery")
    alice.save()
    assert alice.password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = _project_hashers()
    assert alice.check_password("correct-horse-battery")
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")
