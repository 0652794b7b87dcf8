"""Static files storage for production: WhiteNoise's compressed manifest storage whose URLs
are worked out once per process.

Every page asks for about ten static URLs, and each `{% static %}` walks the manifest, splits
and quotes the name (≈ 17 µs). The manifest is read once when the process starts and does not
change while it runs (collectstatic runs before a deployment starts the workers), so the URL of
a name does not change either: it is kept in a dict. `force=True` (collectstatic's own
post-processing) and DEBUG (unhashed names) bypass the memo.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
