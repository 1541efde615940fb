"""Roles and what each may do. Scoping of records lives in each app's selectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant")
    COORDINATOR = "coordinator", _("Coordinator")
    POLICE = "police", _("Police liaison officer")
    MINISTRY = "ministry", _("Ministry analyst")
    ADMIN = "admin", _("Administrator")

    # Client work: assistants and coordinators of NGOs and municipalities.
    def can_work_with_clients(self) -> bool:
        return self in (Role.ASSISTANT, Role.COORDINATOR)

    def can_supervise(self) -> bool:
        return self == Role.COORDINATOR

    def can_review_shared_cases(self) -> bool:
        return self == Role.POLICE

    # Case documents: the organisation's own staff, or the police for what was shared with them.
    def can_see_cases(self) -> bool:
        return self.can_work_with_clients() or self.can_review_shared_cases()

    # A list of what needs doing (start page, menu count, daily digest): client work and the police.
    def has_things_to_do(self) -> bool:
        return self.can_work_with_clients() or self.can_review_shared_cases()

    def can_see_national_statistics(self) -> bool:
        return self == Role.MINISTRY

    # Reports: a coordinator makes the organisation's activity report and person-level export.
    def can_make_organisation_reports(self) -> bool:
        return self == Role.COORDINATOR

    def can_request_reports(self) -> bool:
        return self.can_see_national_statistics() or self.can_make_organisation_reports()

    def can_see_dashboard(self) -> bool:
        return self in (Role.ASSISTANT, Role.COORDINATOR, Role.POLICE, Role.MINISTRY)

    def can_see_assistant_directory(self) -> bool:
        return self in (Role.COORDINATOR, Role.MINISTRY, Role.ADMIN)

    # Services, projects, activity types and staff time of the own organisation.
    def can_manage_programme(self) -> bool:
        return self == Role.COORDINATOR

    def can_manage_reference_data(self) -> bool:
        return self == Role.ADMIN

    # The management area (management/): users and organisations; a coordinator's own only.
    def can_manage_accounts(self) -> bool:
        return self in (Role.COORDINATOR, Role.ADMIN)

    def grantable_roles(self) -> "list[Role]":
        """The roles a user of this role may give: a coordinator only the client work of the own
        organisation, never an administrator, the police or the ministry."""
        if self == Role.ADMIN:
            return list(Role)
        if self == Role.COORDINATOR:
            return [Role.ASSISTANT, Role.COORDINATOR]
        return []

    # The audit trail: a coordinator of the own organisation, an administrator of the system.
    def can_read_audit_trail(self) -> bool:
        return self in (Role.COORDINATOR, Role.ADMIN)

    # Data-subject access exports and erasure on request (GDPR arts. 15 and 17).
    def can_handle_data_subject_requests(self) -> bool:
        return self == Role.COORDINATOR
