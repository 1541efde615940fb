"""Production settings with plain static-file storage, used by the benchmark only when
`collectstatic` fails (a static file of work in progress): the pages measured are HTML, and
the difference between a manifest look-up and a plain URL is negligible."""

from liaison.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
