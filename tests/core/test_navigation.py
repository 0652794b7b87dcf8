import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from core import navigation
from tests.factories import MembershipFactory, StaffFactory, UserFactory

STUB_URLS = "tests.core.stub_urls"


def labels(links):
    return {str(link.label) for link in links}


@pytest.fixture
def stub_urls(settings):
    settings.ROOT_URLCONF = STUB_URLS


def test_entries_whose_url_does_not_exist_are_left_out(settings):
    entries = (
        navigation.NavEntry("Có", "home"),
        navigation.NavEntry("Chưa có", "nowhere:page"),
    )
    links = navigation.build_links(entries, AnonymousUser(), held_roles=set())
    assert [str(link.label) for link in links] == ["Có"]
    assert links[0].url == "/"


def test_fallback_url_is_used_when_the_first_name_does_not_exist():
    entry = navigation.NavEntry("Nộp", "nowhere:page", fallbacks=("missing:too", "home"))
    assert entry.url() == "/"
    assert navigation.NavEntry("Không", "nowhere:page").url() is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.DESK_OFFICER, {"Tiếp nhận hồ sơ", "Hồ sơ cần xử lý", "Báo cáo"}, {"Quản trị"}),
        (Role.EDITOR, {"Biên tập tin tức", "Báo cáo"}, {"Tiếp nhận hồ sơ", "Quản trị"}),
        (
            Role.APPRAISER,
            {"Quản lý khảo sát", "Tự đánh giá chỉ số CCHC"},
            {"Biên tập tin tức", "Quản trị"},
        ),
        (Role.ADMINISTRATOR, {"Quản trị", "Quản lý khảo sát", "Báo cáo"}, {"Tiếp nhận hồ sơ"}),
    ],
)
def test_staff_menu_follows_roles(stub_urls, role, sees, does_not_see):
    user = MembershipFactory(role=role).user
    shown = labels(navigation.build_links(navigation.STAFF_NAV, user))
    assert sees <= shown
    assert not (does_not_see & shown)


@pytest.mark.django_db
def test_inactive_membership_gives_no_staff_menu(stub_urls):
    user = MembershipFactory(role=Role.ADMINISTRATOR, is_active=False).user
    assert navigation.build_links(navigation.STAFF_NAV, user) == []


@pytest.mark.django_db
def test_superuser_without_role_sees_admin_only(stub_urls):
    user = UserFactory(is_superuser=True, is_staff=True)
    assert labels(navigation.build_links(navigation.STAFF_NAV, user)) == {"Quản trị"}


@pytest.mark.django_db
def test_citizen_and_anonymous_see_no_staff_menu(stub_urls):
    assert navigation.build_links(navigation.STAFF_NAV, UserFactory()) == []
    assert navigation.build_links(navigation.STAFF_NAV, AnonymousUser()) == []


@pytest.mark.django_db
def test_desk_officer_page_shows_work_menu_but_not_admin(client, stub_urls):
    client.force_login(MembershipFactory(role=Role.DESK_OFFICER).user)
    html = client.get("/").content.decode()
    assert "Nghiệp vụ" in html
    assert 'href="/stub-dossiers/desk/"' in html
    assert 'href="/stub-reports/catalogue/"' in html
    assert 'href="/quan-tri/"' not in html
    assert "Biên tập tin tức" not in html


@pytest.mark.django_db
def test_editor_page_shows_news_desk(client, stub_urls):
    client.force_login(MembershipFactory(role=Role.EDITOR).user)
    html = client.get("/").content.decode()
    assert 'href="/stub-news/manage/"' in html
    assert 'href="/stub-dossiers/desk/"' not in html


@pytest.mark.django_db
def test_anonymous_sees_public_menu_and_login(client, stub_urls):
    html = client.get("/").content.decode()
    for url in ("/stub-procedures/list/", "/stub-dossiers/track/", "/stub-news/list/"):
        assert f'href="{url}"' in html
    assert "Đăng nhập" in html
    assert "Đăng ký" in html
    assert "Nghiệp vụ" not in html
    assert "Đăng xuất" not in html


@pytest.mark.django_db
def test_logged_in_user_gets_name_and_post_logout(client):
    user = StaffFactory(full_name="Trần Thị Bích")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Trần Thị Bích" in html
    assert "Bảo mật hai lớp" in html
    assert 'method="post" action="/tai-khoan/logout/"' in html
    assert "Đăng nhập" not in html


@pytest.mark.django_db
def test_active_entry_is_marked_current(client, stub_urls):
    home = client.get("/").content.decode()
    assert 'class="nav-link active" href="/" aria-current="page"' in home
    assert 'class="nav-link" href="/stub-procedures/list/"' in home
