"""Core middleware: the portal's language choice and the visit counters (see core.visits)."""

import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

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


class RejectNullBytesMiddleware:
    """NUL characters never reach a view: 400 for one in the path; stripped from query
    parameters and urlencoded forms (a search typed with odd characters still gets a normal
    page).

    No legitimate input contains one; PostgreSQL refuses it in text (DataError → 500) and it
    can truncate strings in C libraries. Multipart forms refuse it field by field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return HttpResponseBadRequest(
                '<!doctype html><html lang="vi"><meta charset="utf-8">'
                f"<title>400</title><h1>{escape(_('Yêu cầu không hợp lệ'))}</h1>"
                f"<p>{escape(_('Địa chỉ chứa ký tự không được phép.'))}</p>"
            )
        if self._in(request.GET):
            request.GET = self._strip(request.GET)
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and self._in(request.POST)
        ):
            request.POST = self._strip(request.POST)
        return self.get_response(request)

    @staticmethod
    def _in(data) -> bool:
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in data.lists()
        )

    @staticmethod
    def _strip(data: QueryDict) -> QueryDict:
        clean = QueryDict(mutable=True)
        for key, values in data.lists():
            clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
        clean._mutable = False
        return clean
