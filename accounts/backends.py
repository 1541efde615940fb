"""Signing in with a username and password, as Django's ModelBackend does; the signed-in user of
each request is read together with their organisation, which the scoping of nearly every page
reads next (accounts/scoping.py): one query less per page."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User.objects.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
