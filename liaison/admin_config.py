"""django.contrib.admin with our admin site (liaison/security_admin.py); kept apart because an
app config module must not import models."""

from django.contrib.admin.apps import AdminConfig


class LiaisonAdminConfig(AdminConfig):
    default_site = "liaison.security_admin.LiaisonAdminSite"
