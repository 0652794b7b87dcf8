"""Site navigation as data: who sees which entry, and which entries exist yet.

Every entry names a URL by its name. Entries whose name does not reverse (the app that owns it
has not landed yet) are left out, so the menus grow as apps are wired in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import roles_of

EVERYONE = "everyone"
ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"
STAFF = "staff"  # any active staff membership, whatever the role
ROLES = "roles"  # one of `roles`


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    audience: str = EVERYONE
    roles: frozenset[str] = frozenset()
    superuser: bool = False  # a Django superuser also sees it
    icon: str = ""  # Bootstrap Icons name, without the "bi-" prefix
    description: str = ""
    fallbacks: tuple[str, ...] = ()  # URL names tried in turn when url_name does not exist

    def url(self) -> str | None:
        for name in (self.url_name, *self.fallbacks):
            url = safe_reverse(name)
            if url is not None:
                return url
        return None

    def visible_to(self, user, held_roles: set[str]) -> bool:
        authenticated = bool(getattr(user, "is_authenticated", False))
        if self.superuser and getattr(user, "is_superuser", False):
            return True
        if self.audience == EVERYONE:
            return True
        if self.audience == ANONYMOUS:
            return not authenticated
        if self.audience == AUTHENTICATED:
            return authenticated
        if self.audience == STAFF:
            return bool(held_roles)
        if self.audience == ROLES:
            return bool(held_roles & self.roles)
        return False


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    url_name: str
    icon: str = ""
    description: str = ""
    active: bool = False


# reverse() results for the menus, per URLconf, script prefix and language (every page shows
# the same thirty links; reversing them again on each request is wasted work)
_reversed: dict[tuple, str | None] = {}


def safe_reverse(url_name: str) -> str | None:
    """The URL of `url_name`, or None while the app that owns it is not wired in."""
    key = (url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    try:
        return _reversed[key]
    except KeyError:
        pass
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        url = None
    _reversed[key] = url
    return url


PUBLIC_NAV: tuple[NavEntry, ...] = (
    NavEntry(_("Trang chủ"), "home", icon="house-door"),
    NavEntry(_("Thủ tục hành chính"), "procedures:list", icon="journal-text"),
    NavEntry(_("Tra cứu hồ sơ"), "dossiers:track", icon="search"),
    NavEntry(
        _("Đánh giá hài lòng"),
        "surveys:public_list",
        icon="ui-checks",
        fallbacks=("surveys:rate_dossier",),
    ),
    NavEntry(_("Xếp hạng CCHC"), "scoring:public_ranking", icon="bar-chart-line"),
    NavEntry(_("Tin tức"), "news:list", icon="newspaper"),
    NavEntry(_("Cơ quan"), "agencies:directory", icon="building"),
)

STAFF_NAV: tuple[NavEntry, ...] = (
    NavEntry(
        _("Tiếp nhận hồ sơ"),
        "dossiers:desk",
        ROLES,
        frozenset({Role.DESK_OFFICER}),
        icon="inbox",
    ),
    NavEntry(
        _("Hồ sơ cần xử lý"),
        "dossiers:queue",
        ROLES,
        frozenset({Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.AGENCY_LEADER}),
        icon="list-check",
    ),
    NavEntry(_("Thống kê hồ sơ"), "dossiers:stats", STAFF, icon="graph-up"),
    NavEntry(
        _("Tự đánh giá chỉ số CCHC"),
        "scoring:assessment_list",
        ROLES,
        frozenset({Role.CCHC_OFFICER, Role.AGENCY_LEADER, Role.APPRAISER}),
        icon="clipboard-check",
    ),
    NavEntry(
        _("Bộ tiêu chí chấm điểm"),
        "scoring:set_list",
        ROLES,
        frozenset({Role.APPRAISER, Role.ADMINISTRATOR}),
        icon="diagram-3",
    ),
    NavEntry(
        _("Quản lý khảo sát"),
        "surveys:manage",
        ROLES,
        frozenset({Role.APPRAISER, Role.ADMINISTRATOR}),
        icon="clipboard-data",
        fallbacks=("surveys:builder_list",),
    ),
    NavEntry(
        _("Kết quả khảo sát"),
        "surveys:results",
        ROLES,
        frozenset({Role.APPRAISER, Role.ADMINISTRATOR, Role.AGENCY_LEADER, Role.CCHC_OFFICER}),
        icon="pie-chart",
    ),
    NavEntry(_("Kiểm tra kiến thức CCHC"), "surveys:knowledge_list", STAFF, icon="mortarboard"),
    NavEntry(
        _("Biên tập tin tức"),
        "news:manage",
        ROLES,
        frozenset({Role.EDITOR, Role.ADMINISTRATOR}),
        icon="pencil-square",
    ),
    NavEntry(_("Báo cáo"), "reports:catalogue", STAFF, icon="file-earmark-bar-graph"),
    NavEntry(
        _("Quản trị"),
        "admin:index",
        ROLES,
        frozenset({Role.ADMINISTRATOR}),
        superuser=True,
        icon="gear",
    ),
)

ACCOUNT_NAV: tuple[NavEntry, ...] = (
    NavEntry(_("Đăng nhập"), "account_login", ANONYMOUS, icon="box-arrow-in-right"),
    NavEntry(_("Đăng ký"), "account_signup", ANONYMOUS, icon="person-plus"),
    NavEntry(_("Hồ sơ của tôi"), "dossiers:my_dossiers", AUTHENTICATED, icon="folder2-open"),
    NavEntry(_("Hồ sơ cá nhân"), "accounts:profile", AUTHENTICATED, icon="person-vcard"),
    NavEntry(_("Bảo mật hai lớp"), "mfa_index", AUTHENTICATED, icon="shield-lock"),
)

# Entry points on the home page (cards). Same reverse-or-skip rule as the menus.
HOME_SERVICES: tuple[NavEntry, ...] = (
    NavEntry(
        _("Tra cứu thủ tục hành chính"),
        "procedures:list",
        icon="journal-text",
        description=_("Thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí và căn cứ pháp lý."),
    ),
    NavEntry(
        _("Nộp hồ sơ trực tuyến"),
        "dossiers:submit_start",
        icon="cloud-arrow-up",
        description=_(
            "Chọn thủ tục, gửi hồ sơ kèm tệp đính kèm, nhận mã hồ sơ và ngày hẹn trả kết quả."
        ),
        fallbacks=("procedures:list",),
    ),
    NavEntry(
        _("Tra cứu hồ sơ"),
        "dossiers:track",
        icon="search",
        description=_("Theo dõi tiến độ giải quyết hồ sơ bằng mã hồ sơ."),
    ),
    NavEntry(
        _("Đánh giá sự hài lòng"),
        "surveys:public_list",
        icon="emoji-smile",
        description=_("Góp ý, đánh giá chất lượng phục vụ của cơ quan hành chính nhà nước."),
    ),
    NavEntry(
        _("Kết quả xếp hạng CCHC"),
        "scoring:public_ranking",
        icon="trophy",
        description=_("Chỉ số cải cách hành chính của các sở, ban, ngành và UBND cấp xã."),
    ),
    NavEntry(
        _("Tin tức CCHC"),
        "news:list",
        icon="newspaper",
        description=_("Tin tức, sự kiện và văn bản chỉ đạo về cải cách hành chính."),
    ),
)


def build_links(
    entries: Iterable[NavEntry], user, *, current_path: str = "", held_roles: set[str] | None = None
) -> list[NavLink]:
    """The entries `user` may see and whose URL exists, as ready-to-render links."""
    if held_roles is None:
        held_roles = roles_of(user)
    links = []
    for entry in entries:
        if not entry.visible_to(user, held_roles):
            continue
        url = entry.url()
        if url is None:
            continue
        active = bool(current_path) and (
            current_path == url if url == "/" else current_path.startswith(url)
        )
        links.append(
            NavLink(
                label=entry.label,
                url=url,
                url_name=entry.url_name,
                icon=entry.icon,
                description=entry.description,
                active=active,
            )
        )
    return links


def navigation_for(request) -> dict:
    """All menus for one request: public, staff (by role) and the account menu."""
    user = request.user
    held = roles_of(user)
    path = request.path
    public = build_links(PUBLIC_NAV, user, current_path=path, held_roles=held)
    staff = build_links(STAFF_NAV, user, current_path=path, held_roles=held)
    account = build_links(ACCOUNT_NAV, user, current_path=path, held_roles=held)
    return {
        "public": public,
        "staff": staff,
        "account": account,
        "logout_url": safe_reverse("account_logout") if user.is_authenticated else None,
        # what the rendered menus depend on besides the language (keys of the layout's {% memo %}):
        # an entry is known by its URL name, which gives its label and icon
        "menu_key": tuple((link.url_name, link.url, link.active) for link in public + staff),
        "account_key": tuple((link.url_name, link.url, link.active) for link in account),
    }
