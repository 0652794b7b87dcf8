"""Core middleware: the portal's language choice and the visit counters (see core.visits)."""

import logging

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import visits

logger = logging.getLogger(__name__)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose another language with the switch (cookie).

    The browser's Accept-Language is ignored on purpose: many Vietnamese citizens run browsers
    in English, and the portal speaks Vietnamese first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if language not in supported or not translation.check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if visits.should_count(request, response):
            try:
                visits.record(request, response)
            except Exception:  # a cache outage must never break a page
                logger.warning("visit counter unavailable", exc_info=True)
        return response
