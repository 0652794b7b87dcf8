"""RSS 2.0 and Atom feeds of visible articles, for all news and per category."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from . import selectors

FEED_SIZE = 20


class LatestNewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        category = selectors.category_by_slug(slug=slug)
        if category is None:
            raise Http404
        return category

    def title(self, obj):
        if obj is None:
            return _("Tin tức cải cách hành chính – %(portal)s") % {"portal": settings.PORTAL_NAME}
        return _("%(category)s – %(portal)s") % {
            "category": obj.name,
            "portal": settings.PORTAL_NAME,
        }

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("news:list")

    def description(self, obj):
        if obj is None:
            return _("Tin tức, thông báo và văn bản chỉ đạo về cải cách hành chính.")
        return obj.description or obj.name

    def items(self, obj):
        return selectors.articles_in(category=obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.plain_summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]

    def item_guid(self, item):
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
