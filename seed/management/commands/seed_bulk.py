"""Synthetic data at national scale for performance work (seed/bulk.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seed.bulk import BulkSeeder

# The command adds millions of made-up records: only on databases named for that.
NON_PRODUCTION_WORDS = ("bench", "perf", "test", "dev", "demo", "load")


class Command(BaseCommand):
    help = (
        "Add synthetic organisations, assistants, clients, consents, cases and contacts at scale "
        "(PostgreSQL COPY). Example: seed_bulk --contacts 1000000"
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, required=True, help="contact records to add")
        parser.add_argument("--clients", type=int, help="clients to add (default: a tenth of the contacts)")
        parser.add_argument("--cases", type=int, help="cases to add (default: 4 %% of the contacts)")
        parser.add_argument(
            "--organisations", type=int, help="organisations to add (default: one per 15 000 contacts, 4 to 400)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--password", help="password of the generated users (default: none, unusable)")
        parser.add_argument(
            "--force", action="store_true", help="also on a database whose name does not say bench/test/dev"
        )

    def handle(self, *args, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if not options["force"] and not any(word in name.lower() for word in NON_PRODUCTION_WORDS):
            raise CommandError(
                f"The database {name!r} does not look like a benchmark or development database; use --force."
            )
        contacts = options["contacts"]
        if contacts < 0:
            raise CommandError("--contacts must not be negative.")
        clients = options["clients"] if options["clients"] is not None else max(10, contacts // 10)
        cases = options["cases"] if options["cases"] is not None else contacts // 25
        organisations = options["organisations"] or min(400, max(4, contacts // 15_000))
        if clients < 1 and (contacts or cases):
            raise CommandError("Contacts and cases need at least one client.")
        self.stdout.write(
            f"Adding {contacts} contacts, {clients} clients, {cases} cases in {organisations} organisations…"
        )
        result = BulkSeeder(
            contacts=contacts,
            clients=clients,
            cases=cases,
            organisations=organisations,
            seed=options["seed"],
            password=options["password"],
            log=self.stdout.write,
        ).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.organisations} organisations, {result.users} users, {result.clients} clients, "
                f"{result.consents} consents, {result.cases} cases ({result.transitions} status changes), "
                f"{result.contacts} contacts ({result.contact_clients} client links, {result.activities} activities), "
                f"{result.group_activities} group activities "
                f"in {result.seconds['total']:.1f} s"
                + ("" if result.triggers_skipped else " (triggers were active: not a superuser)")
            )
        )
