import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seed.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo organisations, users and synthetic records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password of every demo user (else LIAISON_DEMO_PASSWORD, else generated)."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a real system).")

    def handle(self, *args, password: str | None, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo sets known passwords, so it refuses to run with DEBUG off (--force overrides)."
            )
        password = password or os.environ.get("LIAISON_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        users = seed_demo(password)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins:"))
        for user in users:
            self.stdout.write(f"  {user.username:<20} {user.get_role_display():<28} {user.organisation}")
        self.stdout.write(f"  password for all of them: {password}")
