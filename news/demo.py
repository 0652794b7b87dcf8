"""Demo news for `manage.py seed_demo` (idempotent: a second run changes nothing).

Publishes the source article "Nâng cao chất lượng cải cách hành chính" (Báo Cần Thơ,
10/02/2017; text in news/data/, credited to its source) with a neutral illustration drawn here
(the original photo is not ours), and five short notices clearly marked "(Tin minh họa)".
"""

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import User

from . import images
from .models import Article, Category
from .sanitize import sanitize_html

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_EDITOR_EMAIL = "bientap@cchc.local"

CATEGORIES = [
    ("bai-viet-ve-cchc", "Bài viết về CCHC", "Bài viết, phóng sự về công tác cải cách hành chính."),
    ("thong-bao", "Thông báo", "Thông báo của cơ quan về thủ tục, lịch làm việc, dịch vụ công."),
    ("van-ban-chi-dao", "Văn bản chỉ đạo", "Văn bản chỉ đạo, điều hành về cải cách hành chính."),
    ("guong-dien-hinh", "Gương điển hình", "Cách làm hay, tập thể và cá nhân tiêu biểu."),
]

SOURCE_SLUG = "nang-cao-chat-luong-cai-cach-hanh-chinh"
DEMO_NOTE = (
    "Đây là tin minh họa phục vụ trình diễn hệ thống; nội dung không phải thông tin chính thức "
    "của cơ quan nhà nước."
)
NOTICES = [
    {
        "slug": "huong-dan-tra-cuu-thu-tuc-khong-can-go-dau-tin-minh-hoa",
        "category": "thong-bao",
        "title": "Hướng dẫn tra cứu thủ tục hành chính không cần gõ dấu (Tin minh họa)",
        "summary": "Người dân có thể gõ “dang ky khai sinh” thay cho “đăng ký khai sinh” khi tìm "
        "thủ tục trên Cổng thông tin.",
        "paragraphs": [
            "Ô tìm kiếm trên trang Thủ tục hành chính nhận từ khóa có dấu hoặc không dấu; kết quả "
            "như nhau. Mỗi thủ tục có thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí và bản in.",
            DEMO_NOTE,
        ],
        "at": datetime.datetime(2026, 11, 20, 8, 30, tzinfo=TZ),
    },
    {
        "slug": "khao-sat-muc-do-hai-long-tren-cong-thong-tin-tin-minh-hoa",
        "category": "bai-viet-ve-cchc",
        "title": "Mời người dân đánh giá mức độ hài lòng trên Cổng thông tin (Tin minh họa)",
        "summary": "Ý kiến của người dân, doanh nghiệp giúp cơ quan hành chính cải thiện chất "
        "lượng phục vụ.",
        "paragraphs": [
            "Sau khi nhận kết quả giải quyết hồ sơ, người dân có thể trả lời phiếu khảo sát ngắn "
            "về thái độ phục vụ, thời gian giải quyết và việc công khai thủ tục.",
            DEMO_NOTE,
        ],
        "at": datetime.datetime(2026, 11, 16, 9, 0, tzinfo=TZ),
    },
    {
        "slug": "ke-hoach-cai-cach-hanh-chinh-nam-2027-tin-minh-hoa",
        "category": "van-ban-chi-dao",
        "title": "Triển khai xây dựng kế hoạch cải cách hành chính năm 2027 (Tin minh họa)",
        "summary": "Các cơ quan, đơn vị rà soát kết quả năm 2026 và đề xuất nhiệm vụ cải cách "
        "hành chính năm 2027.",
        "paragraphs": [
            "Nội dung kế hoạch gồm cải cách thể chế, thủ tục hành chính, tổ chức bộ máy, chế độ "
            "công vụ, tài chính công và xây dựng chính quyền số.",
            DEMO_NOTE,
        ],
        "at": datetime.datetime(2026, 11, 10, 14, 0, tzinfo=TZ),
    },
    {
        "slug": "bo-phan-mot-cua-giai-quyet-ho-so-dung-hen-tin-minh-hoa",
        "category": "guong-dien-hinh",
        "title": "Bộ phận Một cửa giải quyết hồ sơ đúng và trước hẹn (Tin minh họa)",
        "summary": "Một ví dụ minh họa về cách tổ chức tiếp nhận, hướng dẫn một lần, đầy đủ.",
        "paragraphs": [
            "Cán bộ một cửa hướng dẫn người dân một lần, đầy đủ; hồ sơ được chuyển xử lý ngay "
            "trong ngày và trả kết quả đúng hẹn.",
            DEMO_NOTE,
        ],
        "at": datetime.datetime(2026, 11, 5, 10, 0, tzinfo=TZ),
    },
    {
        "slug": "lich-tiep-nhan-ho-so-dip-tet-tin-minh-hoa",
        "category": "thong-bao",
        "title": "Thông báo lịch tiếp nhận hồ sơ trong dịp nghỉ Tết (Tin minh họa)",
        "summary": "Hồ sơ trực tuyến vẫn được tiếp nhận trong ngày nghỉ và được xử lý vào ngày "
        "làm việc tiếp theo.",
        "paragraphs": [
            "Thời hạn giải quyết hồ sơ được tính theo ngày làm việc, không tính ngày nghỉ lễ, "
            "Tết theo lịch làm việc chính thức.",
            DEMO_NOTE,
        ],
        "at": datetime.datetime(2026, 11, 2, 7, 30, tzinfo=TZ),
    },
]


def _html(paragraphs: list[str]) -> str:
    return sanitize_html("\n".join(f"<p>{p}</p>" for p in paragraphs))


def _source_article_values(category: Category) -> dict:
    paragraphs = [
        p.strip()
        for p in (DATA_DIR / "nang-cao-chat-luong-cchc-2017.txt").read_text("utf-8").split("\n\n")
        if p.strip()
    ]
    return {
        "title": "Nâng cao chất lượng cải cách hành chính",
        "category": category,
        "summary": paragraphs[0],
        "body": _html(paragraphs[1:]),
        "source": "Báo Cần Thơ",
        "publish_at": datetime.datetime(2017, 2, 10, 8, 0, tzinfo=TZ),
        "status": Article.Status.PUBLISHED,
        "cover_alt": "Hình vẽ minh họa trụ sở cơ quan hành chính và quầy tiếp nhận hồ sơ",
        "cover_caption": "Ảnh minh họa (không phải ảnh gốc của bài báo).",
    }


def _illustration() -> ContentFile:
    """A neutral drawing of our own (no photo of real people or places)."""
    image = Image.new("RGB", (1200, 675), (244, 245, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 675), fill=(220, 224, 230))
    draw.polygon([(300, 200), (600, 90), (900, 200)], fill=(177, 20, 28))
    draw.rectangle((320, 200, 880, 520), fill=(255, 255, 255), outline=(125, 11, 16), width=6)
    for x in range(370, 860, 95):
        draw.rectangle((x, 240, x + 40, 500), fill=(247, 201, 72))
    draw.rectangle((540, 380, 660, 520), fill=(125, 11, 16))
    draw.ellipse((575, 120, 625, 170), fill=(247, 201, 72))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="minh-hoa.png")


def _upsert(slug: str, values: dict, author) -> tuple[Article, bool]:
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        article = Article(slug=slug, author=author, **values)
        article._change_reason = "seed_demo"
        article.save()
        return article, True
    if "body" in values:
        values = {**values, "body": sanitize_html(values["body"])}
    changed = {k: v for k, v in values.items() if getattr(article, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(article, key, value)
        article._change_reason = "seed_demo"
        article.save()
    return article, bool(changed)


def seed(stdout=None) -> None:
    with transaction.atomic():
        categories = {}
        for order, (slug, name, description) in enumerate(CATEGORIES):
            category, _created = Category.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "display_order": order},
            )
            categories[slug] = category
        author = User.objects.filter(email=DEMO_EDITOR_EMAIL).first()

        source, _created = _upsert(
            SOURCE_SLUG, _source_article_values(categories["bai-viet-ve-cchc"]), author
        )
        if not source.cover_image:
            cover = images.store_cover(_illustration())
            Article.objects.filter(pk=source.pk).update(
                cover_image=cover.image,
                cover_thumbnail=cover.thumbnail,
                cover_width=cover.width,
                cover_height=cover.height,
            )

        for notice in NOTICES:
            _upsert(
                notice["slug"],
                {
                    "title": notice["title"],
                    "category": categories[notice["category"]],
                    "summary": notice["summary"],
                    "body": _html(notice["paragraphs"]),
                    "source": "Cổng thông tin CCHC (tin minh họa)",
                    "publish_at": notice["at"],
                    "status": Article.Status.PUBLISHED,
                },
                author,
            )
    if stdout is not None:
        stdout.write(f"  tin tức: {Article.objects.visible().count()} bài đang hiển thị")
