"""The password hasher: Argon2id with the parameters OWASP's password storage guidance names
first (19 MiB of memory, two passes, one lane).

Why not Django's default PBKDF2 (1,000,000 SHA-256 rounds): on the two cores of a small
deployment, 50 assistants signing in at the start of a shift queued behind each other for
seconds (drills/test_load.py measures the burst). Argon2id at these parameters costs several
times less CPU per sign-in while being memory-hard, which makes guessing with GPUs far dearer
than PBKDF2 does; the memory (19 MiB per sign-in in progress) is bounded by gunicorn's threads.
Stored PBKDF2 hashes stay valid and are upgraded at the user's next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    # Kept under the standard algorithm name: the parameters are stored in each hash, so a
    # later change of them is read back and upgraded like any other.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
