"""Provincial-scale benchmark data (issue 7), written with PostgreSQL COPY.

Shape (N dossiers, P procedures, A agencies, R survey responses):
  agencies   root (UBND tỉnh) → service centre, departments (Sở) → divisions, communes (UBND xã);
             three benchmark units under the first department hold 10 %, 3 % and 1 % of all
             dossiers ("queue" agencies); that department's subtree holds 30 %.
  users      citizens (N/50), two staff per agency (officer, leader) with memberships.
  catalogue  P procedures, 10 % with an older replaced version; 1–3 cases per version, 2–4
             documents per case, legal bases, implementing agencies.
  dossiers   N, received 01/01/2023 – yesterday, every status / channel / outcome, codes as the
             portal allocates them (with the matching daily counters), an event log (≈ 4.5 per
             dossier), supplement requests, refusals, apologies, 3,000 dossiers with 2 small files.
  scoring    criteria set 2025 (departments), 10 areas × 3 criteria × 5 leaves = 150 leaves, one
             assessment per agency with every leaf scored, ranking computed and published.
  surveys    one SIPAS survey (tests/surveys/factories_b.sipas_survey), R submitted responses,
             4 answers each.
"""

import datetime
import random
import time
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from bench.copyutil import NOW, Table, reset_sequence

MARKER_TABLE = "bench_marker"
UTC = datetime.UTC
LOCAL = datetime.timezone(datetime.timedelta(hours=7))
START = datetime.datetime(2023, 1, 1, 1, 0, tzinfo=UTC)
STATS_YEAR = 2025

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Kim", "Gia", "Bảo"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tú",
    "Tuấn",
    "Vy",
    "Yến",
]
STREETS = [
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hòa Bình",
    "30 Tháng 4",
    "Mậu Thân",
    "Ba Tháng Hai",
    "Lý Tự Trọng",
    "Cách Mạng Tháng Tám",
]
VERBS = [
    "Đăng ký",
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Chứng thực",
    "Đăng ký lại",
]
OBJECTS = [
    "khai sinh",
    "kết hôn",
    "khai tử",
    "thường trú",
    "giám hộ",
    "nhận cha, mẹ, con",
    "giấy phép xây dựng",
    "giấy phép kinh doanh",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép lái xe",
    "hộ kinh doanh",
    "hợp tác xã",
    "giấy phép hành nghề khám bệnh, chữa bệnh",
    "chứng chỉ hành nghề dược",
    "giấy phép lao động cho người nước ngoài",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "bản sao từ sổ gốc",
    "lý lịch tư pháp",
    "giấy phép khai thác nước mặt",
    "phương án phòng cháy, chữa cháy",
    "dự án đầu tư",
    "trợ cấp xã hội hằng tháng",
    "hồ sơ học bạ",
    "văn bằng, chứng chỉ",
]
QUALIFIERS = [
    "",
    "có yếu tố nước ngoài",
    "cho tổ chức",
    "cho cá nhân",
    "tại cấp xã",
    "trường hợp bị mất, hỏng",
    "lần đầu",
    "trong khu công nghiệp",
]
FIELDS = [
    ("Hộ tịch", "Tư pháp"),
    ("Chứng thực", "Tư pháp"),
    ("Lý lịch tư pháp", "Tư pháp"),
    ("Đất đai", "Tài nguyên và Môi trường"),
    ("Tài nguyên nước", "Tài nguyên và Môi trường"),
    ("Hoạt động xây dựng", "Xây dựng"),
    ("Thành lập và hoạt động doanh nghiệp", "Kế hoạch và Đầu tư"),
    ("Đầu tư tại Việt Nam", "Kế hoạch và Đầu tư"),
    ("Khám bệnh, chữa bệnh", "Y tế"),
    ("Dược phẩm", "Y tế"),
    ("An toàn thực phẩm", "Y tế"),
    ("Việc làm", "Lao động"),
    ("Bảo trợ xã hội", "Lao động"),
    ("Giáo dục và Đào tạo", "Giáo dục"),
    ("Đường bộ", "Giao thông vận tải"),
    ("Phòng cháy, chữa cháy", "Công an"),
    ("Cư trú", "Công an"),
    ("Văn hóa cơ sở", "Văn hóa"),
    ("Nông nghiệp", "Nông nghiệp"),
    ("Công thương", "Công thương"),
]
DEPARTMENTS = [
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Ban Quản lý các khu chế xuất và công nghiệp",
    "Công an thành phố",
]
FAKE_PDF = b"%PDF-1.4\n% bench attachment\n" + b"0" * 2000 + b"\n%%EOF\n"


def log(stdout, msg: str) -> None:
    if stdout is not None:
        stdout.write(msg)
        stdout.flush()


# --- safety ------------------------------------------------------------------------------------
GUARD_TABLES = (
    "agencies_agency",
    "accounts_user",
    "procedures_procedure",
    "dossiers_dossier",
    "news_article",
)


def check_database() -> str:
    """'marked' (made by bench_data), 'empty' (fresh), or raise RuntimeError."""
    if connection.vendor != "postgresql":
        raise RuntimeError("bench_data chỉ chạy trên PostgreSQL (DATABASE_URL=postgres://...).")
    with connection.cursor() as cur:
        tables = set(connection.introspection.table_names(cur))
        if MARKER_TABLE in tables:
            return "marked"
        for table in GUARD_TABLES:
            if table in tables:
                cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
                if cur.fetchone()[0]:
                    raise RuntimeError(
                        f"Refusing to run: table {table} holds data and this database was not "
                        f"created by bench_data (no {MARKER_TABLE} table). Use an empty database."
                    )
    return "empty"


def mark_and_wipe(stdout) -> None:
    """Called after migrate: create the marker, then empty every app table (ours only)."""
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (created_at timestamptz NOT NULL, note text)"
        )
        cur.execute(f"INSERT INTO {MARKER_TABLE} VALUES (now(), 'bench_data')")  # noqa: S608
        keep = {
            "django_migrations",
            "django_content_type",
            "auth_permission",
            "auth_group",
            "auth_group_permissions",
            MARKER_TABLE,
        }
        tables = [t for t in connection.introspection.table_names(cur) if t not in keep]
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    log(stdout, f"wiped {len(tables)} tables")


# --- helpers -----------------------------------------------------------------------------------
def person(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def address(rng) -> str:
    return f"{rng.randint(1, 300)} đường {rng.choice(STREETS)}, Cần Thơ"


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL).date()


class Generator:
    def __init__(self, *, dossiers, procedures, agencies, responses, seed, stdout=None):
        self.n_dossiers = dossiers
        self.n_procedures = procedures
        self.n_agencies = max(agencies, 20)
        self.n_responses = responses
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.end = datetime.datetime.combine(
            datetime.date.today() - datetime.timedelta(days=1),
            datetime.time(9, 0),
            tzinfo=UTC,
        )

    def step(self, label, fn):
        t0 = time.perf_counter()
        result = fn()
        log(self.stdout, f"{label:<28} {time.perf_counter() - t0:7.1f} s  {result or ''}")

    def run(self):
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            self.cur = cur
            cur.execute("SET LOCAL synchronous_commit TO off")
            self.step("agencies", self.agencies)
            self.step("users", self.users)
            self.step("catalogue", self.catalogue)
            self.step("dossiers + events", self.dossiers)
            self.step("attachments (files)", self.attachments)
            from accounts.models import StaffMembership, User
            from agencies.models import Agency
            from dossiers import models as dm
            from procedures import models as pm

            for model in (
                Agency,
                User,
                StaffMembership,
                pm.Sector,
                pm.Field,
                pm.Procedure,
                pm.ProcedureVersion,
                pm.ProcedureCase,
                pm.RequiredDocument,
                pm.LegalBasis,
                pm.ProcedureAgency,
                pm.AnnouncementDecision,
                pm.AnnouncementItem,
                dm.Dossier,
                dm.DossierEvent,
                dm.DossierAttachment,
                dm.DossierCodeCounter,
                dm.SupplementRequest,
                dm.Refusal,
                dm.Apology,
            ):
                reset_sequence(cur, model)
        self.step("scoring", self.scoring)
        self.step("surveys", self.surveys)
        self.step("analyze", self.analyze)
        from dossiers import signals

        signals.bulk_written()  # bulk inserts sent no signal: nothing kept from before
        log(self.stdout, f"total {time.perf_counter() - t0:.1f} s")

    # --- agencies --------------------------------------------------------------------------
    def agencies(self):
        from agencies.models import Agency

        A = self.n_agencies
        rows = []  # (id, name, short, level, kind, unit_type, parent, eid, order)
        self.agency_kind = {}

        def add(name, level, kind, unit_type, parent):
            pk = len(rows) + 1
            eid = f"{pk // 10000:03d}.{(pk // 100) % 100:02d}.{pk % 100:02d}.H13"
            rows.append((pk, name, "", level, kind, unit_type, parent, eid, pk))
            self.agency_kind[pk] = kind
            return pk

        L, K = Agency.Level, Agency.Kind
        self.root = add("UBND thành phố Cần Thơ", L.PROVINCE, K.PEOPLES_COMMITTEE, "city", None)
        self.centre = add(
            "Trung tâm Phục vụ hành chính công thành phố",
            L.PROVINCE,
            K.SERVICE_CENTRE,
            "",
            self.root,
        )
        n_dept = max(3, A // 25)
        depts = []
        for i in range(n_dept):
            name = DEPARTMENTS[i] if i < len(DEPARTMENTS) else f"Ban chuyên ngành số {i + 1}"
            depts.append(add(name, L.PROVINCE, K.DEPARTMENT, "", self.root))
        self.dept0 = depts[0]
        self.q100 = add("Phòng Hộ tịch – Sở Tư pháp", L.PROVINCE, K.DIVISION, "", self.dept0)
        self.q30 = add("Phòng Chứng thực – Sở Tư pháp", L.PROVINCE, K.DIVISION, "", self.dept0)
        self.q10 = add("Phòng Lý lịch tư pháp – Sở Tư pháp", L.PROVINCE, K.DIVISION, "", self.dept0)
        n_comm = max(3, A // 8)
        communes = []
        for i in range(n_comm):
            kind_name = "phường" if i % 3 else "xã"
            communes.append(
                add(
                    f"UBND {kind_name} Thử nghiệm {i + 1:03d}",
                    L.COMMUNE,
                    K.PEOPLES_COMMITTEE,
                    "ward" if i % 3 else "commune",
                    self.root,
                )
            )
        divisions = []
        i = 0
        while len(rows) < A:
            parent = (depts[1:] + communes)[i % (len(depts) - 1 + len(communes))]
            divisions.append(
                add(f"Phòng chuyên môn số {i + 1:03d}", L.PROVINCE, K.DIVISION, "", parent)
            )
            i += 1
        self.depts, self.communes, self.divisions = depts, communes, divisions
        self.agency_parent = {r[0]: r[6] for r in rows}
        t = Table(
            Agency,
            [
                "id",
                "name",
                "short_name",
                "level",
                "kind",
                "unit_type",
                "parent_id",
                "electronic_id",
                "display_order",
            ],
        )
        t.copy(self.cur, rows)
        self.eid = {r[0]: r[7] for r in rows}
        # who holds what share of the dossiers (competent agency)
        rest = depts + communes + divisions[: len(divisions) // 2]
        weights = {a: self.rng.paretovariate(1.5) for a in rest}
        total = sum(weights.values())
        share_rest = 1 - 0.10 - 0.03 - 0.01 - 0.16
        self.weights = {a: w / total * share_rest for a, w in weights.items()}
        self.weights[self.dept0] = self.weights.get(self.dept0, 0) + 0.16
        self.weights[self.q100] = 0.10
        self.weights[self.q30] = 0.03
        self.weights[self.q10] = 0.01
        return f"{len(rows)} agencies"

    # --- users -----------------------------------------------------------------------------
    def users(self):
        from accounts.models import Role, StaffMembership, User

        rng = self.rng
        n_cit = max(200, self.n_dossiers // 50)
        rows, pk = [], 0
        self.citizens = []
        for i in range(n_cit):
            pk += 1
            self.citizens.append(pk)
            rows.append(
                (
                    pk,
                    "!bench",
                    f"cd{i}@bench.cchc.vn",
                    f"09{i:08d}",
                    person(rng),
                    "citizen",
                    f"092{i:09d}",
                    address(rng),
                    False,
                    False,
                )
            )
        self.officers, self.leaders = {}, {}
        memberships = []
        for agency in range(1, self.n_agencies + 1):
            for role, bucket in (
                (Role.PROCESSING_OFFICER, self.officers),
                (Role.AGENCY_LEADER, self.leaders),
            ):
                pk += 1
                bucket[agency] = pk
                rows.append(
                    (
                        pk,
                        "!bench",
                        f"cb{pk}@bench.cchc.vn",
                        None,
                        person(rng),
                        "staff",
                        None,
                        "",
                        False,
                        False,
                    )
                )
                memberships.append((len(memberships) + 1, pk, agency, role, True))
        # desk officers of the centre and of every commune
        self.desk = {}
        for agency in [self.centre, *self.communes]:
            pk += 1
            self.desk[agency] = pk
            rows.append(
                (
                    pk,
                    "!bench",
                    f"mc{pk}@bench.cchc.vn",
                    None,
                    person(rng),
                    "staff",
                    None,
                    "",
                    False,
                    False,
                )
            )
            memberships.append((len(memberships) + 1, pk, agency, Role.DESK_OFFICER, True))
        Table(
            User,
            [
                "id",
                "password",
                "email",
                "phone",
                "full_name",
                "kind",
                "citizen_id",
                "address",
                "is_staff",
                "is_superuser",
            ],
        ).copy(self.cur, rows)
        Table(StaffMembership, ["id", "user_id", "agency_id", "role", "is_active"]).copy(
            self.cur, memberships
        )
        self.n_users = pk
        return f"{pk} users, {len(memberships)} memberships"

    # --- catalogue -------------------------------------------------------------------------
    def catalogue(self):
        from core.text import fold
        from procedures import models as pm

        rng, cur = self.rng, self.cur
        Table(pm.Sector, ["id", "code", "name"]).copy(
            cur,
            [(i + 1, f"N{i + 1:02d}", s) for i, s in enumerate(sorted({s for _, s in FIELDS}))],
        )
        sector_id = {s: i + 1 for i, s in enumerate(sorted({s for _, s in FIELDS}))}
        Table(pm.Field, ["id", "code", "name", "sector_id"]).copy(
            cur, [(i + 1, f"LV{i + 1:02d}", f, sector_id[s]) for i, (f, s) in enumerate(FIELDS)]
        )
        Table(pm.AnnouncementDecision, ["id", "number", "date", "issuer", "title"]).copy(
            cur,
            [
                (
                    1,
                    "100/QĐ-UBND",
                    datetime.date(2022, 6, 1),
                    "UBND thành phố Cần Thơ",
                    "Công bố danh mục TTHC",
                ),
                (
                    2,
                    "200/QĐ-UBND",
                    datetime.date(2025, 7, 1),
                    "UBND thành phố Cần Thơ",
                    "Công bố TTHC sửa đổi",
                ),
            ],
        )
        P = self.n_procedures
        procs, versions, cases, docs, bases, links, items = [], [], [], [], [], [], []
        self.open_versions = []  # (version id, [case ids], fee)
        agencies_pool = self.depts + self.communes + [self.q100, self.q30, self.q10]
        vid = cid = did = 0
        used_names = set()
        for p in range(1, P + 1):
            code = f"{1 + p // 100000}.{p:06d}"
            procs.append((p, code, f"B-CTO-{p:06d}-TT" if p % 3 == 0 else "", NOW))
            field_idx = rng.randrange(len(FIELDS))
            field_name = FIELDS[field_idx][0]
            while True:
                name = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
                q = rng.choice(QUALIFIERS)
                name = f"{name} {q}".strip()
                if name not in used_names or len(used_names) > 2000:
                    break
            used_names.add(name)
            level = rng.random()
            at_prov, at_comm = level < 0.6, level >= 0.4
            online = rng.choice(["full", "full", "partial", "info", ""])
            agency_text = "; ".join(sorted({rng.choice(DEPARTMENTS), "UBND cấp xã"}))
            n_versions = 2 if p % 10 == 0 else 1
            for v in range(1, n_versions + 1):
                vid += 1
                last = v == n_versions
                valid_from = datetime.date(2022, 6, 1) if v == 1 else datetime.date(2025, 7, 1)
                valid_to = None if last else datetime.date(2025, 6, 30)
                vname = name if last else f"{name} (trước sửa đổi)"
                search = fold(" ".join([code, procs[-1][2], vname, field_name, agency_text]))
                versions.append(
                    (
                        vid,
                        p,
                        v,
                        vname,
                        field_idx + 1,
                        at_prov,
                        False,
                        at_comm,
                        agency_text,
                        "Bước 1: Nộp hồ sơ tại Bộ phận Một cửa hoặc trực tuyến.\n"
                        "Bước 2: Cơ quan có thẩm quyền thẩm định, giải quyết.\n"
                        "Bước 3: Trả kết quả.",
                        f"Quyết định / giấy chứng nhận về {name.lower()}",
                        online,
                        valid_from,
                        valid_to,
                        "active" if last else "amended",
                        1 if v == 1 else 2,
                        vid + 1 if not last else None,
                        search,
                        NOW,
                    )
                )
                items.append(
                    (len(items) + 1, 1 if v == 1 else 2, vid, "new" if v == 1 else "amended", NOW)
                )
                version_cases = []
                for c in range(rng.choice([1, 1, 2, 3])):
                    cid += 1
                    unit = rng.choice(
                        ["working_day", "working_day", "calendar_day", "working_hour"]
                    )
                    value = Decimal(rng.choice([0, 1, 3, 5, 7, 10, 15, 20]))
                    if unit == "working_hour":
                        value = Decimal(rng.choice([4, 8, 16]))
                    fee = rng.choice([None, 0, 50000, 100000, 200000, 1000000])
                    spot = value == 0 and rng.random() < 0.5
                    cases.append(
                        (
                            cid,
                            vid,
                            c,
                            "" if c == 0 else f"Trường hợp {c + 1}",
                            value,
                            unit,
                            spot,
                            fee,
                            f"{fee:,} đồng".replace(",", ".") if fee else "Không",
                            online,
                        )
                    )
                    version_cases.append((cid, fee, spot))
                    for d in range(rng.randint(2, 4)):
                        did += 1
                        docs.append(
                            (
                                did,
                                cid,
                                d,
                                rng.choice(
                                    [
                                        "Tờ khai theo mẫu",
                                        "Bản sao giấy tờ tùy thân",
                                        "Giấy tờ chứng minh nơi cư trú",
                                        "Giấy ủy quyền (nếu có)",
                                        "Bản vẽ thiết kế",
                                        "Văn bản đề nghị",
                                    ]
                                ),
                                rng.choice(["original", "certified", "copy", ""]),
                                d < 2,
                            )
                        )
                for b in range(2):
                    bases.append(
                        (len(bases) + 1, vid, b, f"Nghị định số {rng.randint(1, 200)}/2023/NĐ-CP")
                    )
                for a in rng.sample(agencies_pool, k=min(2, len(agencies_pool))):
                    links.append((len(links) + 1, vid, a))
                if last:
                    self.open_versions.append((vid, version_cases))
        Table(pm.Procedure, ["id", "code", "legacy_code", "created_at"]).copy(cur, procs)
        # versions with replaced_by pointing forward: defer the FK check to commit
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        Table(
            pm.ProcedureVersion,
            [
                "id",
                "procedure_id",
                "number",
                "name",
                "field_id",
                "at_province",
                "at_district",
                "at_commune",
                "agency_text",
                "steps",
                "result",
                "online_level",
                "valid_from",
                "valid_to",
                "status",
                "announcement_id",
                "replaced_by_id",
                "search_text",
                "created_at",
            ],
        ).copy(cur, versions)
        Table(
            pm.ProcedureCase,
            [
                "id",
                "version_id",
                "order",
                "name",
                "time_value",
                "time_unit",
                "resolved_on_spot",
                "fee_amount",
                "fee_text",
                "online_level",
            ],
        ).copy(cur, cases)
        Table(
            pm.RequiredDocument, ["id", "case_id", "order", "name", "copy_type", "mandatory"]
        ).copy(cur, docs)
        Table(pm.LegalBasis, ["id", "version_id", "order", "title"]).copy(cur, bases)
        Table(pm.ProcedureAgency, ["id", "version_id", "agency_id"]).copy(cur, links)
        Table(
            pm.AnnouncementItem, ["id", "decision_id", "version_id", "action", "created_at"]
        ).copy(cur, items)
        self.first_doc_of_case = {}
        for d in docs:
            self.first_doc_of_case.setdefault(d[1], d[0])
        return f"{P} procedures, {len(versions)} versions, {len(cases)} cases, {len(docs)} docs"

    # --- dossiers --------------------------------------------------------------------------
    def dossiers(self):
        from dossiers import models as dm

        rng, cur = self.rng, self.cur
        S = dm.Status
        N = self.n_dossiers
        agencies = list(self.weights)
        cum, acc = [], 0.0
        for a in agencies:
            acc += self.weights[a]
            cum.append(acc)
        competent = rng.choices(agencies, cum_weights=cum, k=N)
        span = (self.end - START).total_seconds()
        moments = sorted(START + datetime.timedelta(seconds=rng.random() * span) for _ in range(N))
        counters: dict[tuple[int, datetime.date], int] = {}
        communes = set(self.communes)
        D_cols = [
            "id",
            "public_id",
            "code",
            "tracking_secret",
            "procedure_version_id",
            "case_id",
            "summary",
            "channel",
            "applicant_user_id",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_address",
            "owner_name",
            "receiving_unit_id",
            "competent_agency_id",
            "current_unit_id",
            "assigned_officer_id",
            "status",
            "step",
            "resolved_on_spot",
            "outcome",
            "fee_amount",
            "fees_paid",
            "created_at",
            "submitted_at",
            "received_at",
            "due_at",
            "original_due_at",
            "paused_at",
            "finished_at",
            "returned_at",
            "refused_at",
            "closed_at",
            "created_by_id",
        ]
        E_cols = [
            "id",
            "dossier_id",
            "kind",
            "at",
            "by_id",
            "from_status",
            "to_status",
            "from_unit_id",
            "to_unit_id",
            "note",
            "public",
        ]
        supplements, refusals, apologies = [], [], []
        events = []
        secret_alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (tracking secrets)
        hour = datetime.timedelta(hours=1)
        day = datetime.timedelta(days=1)
        recent_limit = self.end - datetime.timedelta(days=60)
        old_statuses = [S.RETURNED] * 80 + [S.FINISHED] * 5 + [S.REFUSED] * 4 + [S.WITHDRAWN] * 3
        old_statuses += [S.STOPPED] * 2 + [S.PROCESSING] * 3 + [S.WAITING_SUPPLEMENT] * 2
        old_statuses += [S.WAITING_PAYMENT, S.ACCEPTED]
        new_statuses = [S.SUBMITTED] * 10 + [S.ACCEPTED] * 15 + [S.PROCESSING] * 30
        new_statuses += [S.WAITING_SUPPLEMENT] * 8 + [S.WAITING_PAYMENT] * 2 + [S.FINISHED] * 15
        new_statuses += [S.RETURNED] * 15 + [S.REFUSED] * 3 + [S.WITHDRAWN, S.STOPPED]
        open_versions = self.open_versions
        citizens = self.citizens
        self.sample_codes = []

        def dossier_rows(lo, hi):
            for i in range(lo, hi):
                pk = i + 1
                at = moments[i]
                comp = competent[i]
                recv = comp if comp in communes else self.centre
                vid, vcases = open_versions[rng.randrange(len(open_versions))]
                case_id, fee, spot = vcases[rng.randrange(len(vcases))]
                r = rng.random()
                channel = 1 if r < 0.55 else (2 if r < 0.95 else 3)
                draft = channel == 2 and rng.random() < 0.005
                status = rng.choice(old_statuses if at < recent_limit else new_statuses)
                if spot and status not in (S.REFUSED, S.WITHDRAWN):
                    status = S.RETURNED
                if channel != 2 and status == S.SUBMITTED:
                    status = S.ACCEPTED
                name = person(rng)
                phone = f"09{rng.randrange(10**8):08d}"
                officer = self.officers[comp]
                desk = self.desk.get(recv)
                secret = "".join(rng.choices(secret_alphabet, k=8))
                applicant_user = citizens[rng.randrange(len(citizens))] if channel == 2 else None
                code = None
                submitted = at
                received = due = paused = finished = returned = refused = closed = None
                outcome = ""
                step = "draft"
                current = recv
                assigned = None
                ev = []  # (kind, at, by, from, to, from_unit, to_unit)
                if draft:
                    status = S.SUBMITTED
                    submitted = None
                else:
                    local = local_day(at)
                    key = (recv, local)
                    seq = counters.get(key, 0) + 1
                    counters[key] = seq
                    code = f"{self.eid[recv]}-{local:%y%m%d}-{seq:04d}"
                    ev.append(
                        ("created", at, applicant_user or desk, None, S.SUBMITTED, None, recv)
                    )
                    if status == S.SUBMITTED:
                        step = "at_desk"
                    elif status == S.REFUSED:
                        refused = closed = at + 2 * hour
                        step = "closed"
                        ev.append(("transition", refused, desk, S.SUBMITTED, S.REFUSED, None, None))
                        refusals.append(
                            (
                                len(refusals) + 1,
                                pk,
                                "Hồ sơ không thuộc thẩm quyền.",
                                desk or officer,
                                refused,
                            )
                        )
                    elif status == S.WITHDRAWN and rng.random() < 0.3:
                        closed = at + 3 * hour
                        step = "closed"
                        ev.append(
                            (
                                "transition",
                                closed,
                                applicant_user,
                                S.SUBMITTED,
                                S.WITHDRAWN,
                                None,
                                None,
                            )
                        )
                    else:
                        received = at + datetime.timedelta(minutes=rng.randint(5, 600))
                        limit_days = 0 if spot else rng.choice([1, 3, 5, 7, 10, 15, 20])
                        due = None if spot else received + limit_days * 1.4 * day
                        ev.append(
                            ("transition", received, desk, S.SUBMITTED, S.ACCEPTED, None, None)
                        )
                        step, current = "with_unit", comp
                        if recv != comp:
                            ev.append(("handoff", received + hour, desk, None, None, recv, comp))
                        if status in (S.ACCEPTED,):
                            pass
                        else:
                            assigned = officer
                            ev.append(
                                (
                                    "assign",
                                    received + 2 * hour,
                                    self.leaders[comp],
                                    None,
                                    None,
                                    None,
                                    None,
                                )
                            )
                            ev.append(
                                (
                                    "transition",
                                    received + 3 * hour,
                                    officer,
                                    S.ACCEPTED,
                                    S.PROCESSING,
                                    None,
                                    None,
                                )
                            )
                            step = "with_officer"
                            if status == S.PROCESSING:
                                step = rng.choice(["with_officer", "with_officer", "with_leader"])
                            elif status in (S.WAITING_SUPPLEMENT, S.WAITING_PAYMENT):
                                paused = received + 1 * day
                                ev.append(
                                    (
                                        "supplement_request"
                                        if status == S.WAITING_SUPPLEMENT
                                        else "transition",
                                        paused,
                                        officer,
                                        S.PROCESSING,
                                        status,
                                        None,
                                        None,
                                    )
                                )
                                if status == S.WAITING_SUPPLEMENT:
                                    supplements.append(
                                        (
                                            len(supplements) + 1,
                                            pk,
                                            [{"name": "Bản sao giấy tờ tùy thân có chứng thực"}],
                                            "Thiếu giấy tờ.",
                                            officer,
                                            paused,
                                            False,
                                            None,
                                            "",
                                        )
                                    )
                            elif status in (S.WITHDRAWN, S.STOPPED):
                                closed = received + 2 * day
                                step = "closed"
                                ev.append(
                                    (
                                        "transition",
                                        closed,
                                        officer,
                                        S.PROCESSING,
                                        status,
                                        None,
                                        None,
                                    )
                                )
                            elif status in (S.FINISHED, S.RETURNED):
                                if spot:
                                    finished = received + datetime.timedelta(minutes=30)
                                    outcome = "on_time"
                                else:
                                    o = rng.random()
                                    outcome = (
                                        "early" if o < 0.6 else ("on_time" if o < 0.9 else "late")
                                    )
                                    total = (due - received).total_seconds()
                                    frac = {
                                        "early": rng.uniform(0.2, 0.8),
                                        "on_time": rng.uniform(0.85, 1.0),
                                        "late": rng.uniform(1.1, 2.0),
                                    }[outcome]
                                    finished = received + datetime.timedelta(seconds=total * frac)
                                    if outcome == "late" and rng.random() < 0.5:
                                        apologies.append(
                                            (
                                                len(apologies) + 1,
                                                pk,
                                                "Hồ sơ cần xác minh thêm.",
                                                due,
                                                due + 3 * day,
                                                comp,
                                                self.leaders[comp],
                                                due - hour,
                                            )
                                        )
                                ev.append(
                                    (
                                        "transition",
                                        finished,
                                        self.leaders[comp],
                                        S.PROCESSING,
                                        S.FINISHED,
                                        None,
                                        None,
                                    )
                                )
                                step, current = "result_at_desk", recv
                                if status == S.RETURNED:
                                    returned = closed = finished + rng.uniform(0.1, 3) * day
                                    step = "closed"
                                    ev.append(
                                        (
                                            "transition",
                                            returned,
                                            desk,
                                            S.FINISHED,
                                            S.RETURNED,
                                            None,
                                            None,
                                        )
                                    )
                        if spot:
                            pass
                if finished is not None and finished > self.end:
                    finished = self.end
                    if returned is not None:
                        returned = closed = self.end
                for kind, eat, by, fs, ts, fu, tu in ev:
                    events.append((pk, kind, min(eat, self.end), by, fs, ts, fu, tu))
                if code and i % max(1, N // 200) == 0:
                    self.sample_codes.append((code, secret))
                yield (
                    pk,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    code,
                    secret,
                    vid,
                    case_id,
                    "",
                    channel,
                    applicant_user,
                    name,
                    f"092{rng.randrange(10**9):09d}",
                    phone,
                    address(rng) if i % 4 == 0 else "Cần Thơ",
                    name,
                    recv,
                    comp,
                    current,
                    assigned,
                    int(status),
                    step,
                    bool(spot and finished),
                    outcome,
                    fee,
                    bool(fee),
                    at,
                    submitted,
                    received,
                    due,
                    due,
                    paused,
                    finished,
                    returned,
                    refused,
                    closed,
                    desk if channel != 2 else applicant_user,
                )

        event_table = Table(dm.DossierEvent, E_cols)
        dossier_table = Table(dm.Dossier, D_cols)
        self.n_events = n = 0
        chunk = 50_000
        # one chunk of dossiers, then its events (a COPY cannot interleave with another)
        for lo in range(0, N, chunk):
            n += dossier_table.copy(cur, dossier_rows(lo, min(N, lo + chunk)))
            base = self.n_events
            event_table.copy(
                cur,
                (
                    (base + k + 1, d, kind, at, by, fs, ts, fu, tu, "", True)
                    for k, (d, kind, at, by, fs, ts, fu, tu) in enumerate(events)
                ),
            )
            self.n_events += len(events)
            events.clear()
        Table(
            dm.SupplementRequest,
            [
                "id",
                "dossier_id",
                "items",
                "reason",
                "requested_by_id",
                "requested_at",
                "during_intake",
                "answered_at",
                "answer_note",
            ],
        ).copy(cur, supplements)
        Table(dm.Refusal, ["id", "dossier_id", "reasons", "refused_by_id", "refused_at"]).copy(
            cur, refusals
        )
        Table(
            dm.Apology,
            [
                "id",
                "dossier_id",
                "reason",
                "old_due_at",
                "new_due_at",
                "responsible_agency_id",
                "signed_by_id",
                "created_at",
            ],
        ).copy(cur, apologies)
        Table(dm.DossierCodeCounter, ["id", "unit_id", "day", "last"]).copy(
            cur, ((k + 1, u, d, last) for k, ((u, d), last) in enumerate(counters.items()))
        )
        return (
            f"{n} dossiers, {self.n_events} events, {len(supplements)} supplements, "
            f"{len(refusals)} refusals, {len(apologies)} apologies, {len(counters)} counters"
        )

    def attachments(self):
        from dossiers import models as dm

        cur = self.cur
        cur.execute(
            "SELECT d.id, d.public_id, d.case_id FROM dossiers_dossier d "
            "WHERE d.code IS NOT NULL AND d.competent_agency_id = %s ORDER BY d.id DESC LIMIT 1500",
            [self.q100],
        )
        picked = cur.fetchall()
        root = Path(settings.MEDIA_ROOT)
        rows = []
        for dossier_id, public_id, case_id in picked:
            folder = root / "dossiers" / str(public_id)
            folder.mkdir(parents=True, exist_ok=True)
            for k in range(2):
                name = f"{uuid.UUID(int=self.rng.getrandbits(128), version=4).hex}.pdf"
                (folder / name).write_bytes(FAKE_PDF)
                rows.append(
                    (
                        len(rows) + 1,
                        dossier_id,
                        "input",
                        self.first_doc_of_case.get(case_id) if k == 0 else None,
                        "Tờ khai" if k == 0 else "Giấy tờ kèm theo",
                        f"dossiers/{public_id}/{name}",
                        f"to-khai-{k + 1}.pdf",
                        "application/pdf",
                        len(FAKE_PDF),
                        True,
                    )
                )
        Table(
            dm.DossierAttachment,
            [
                "id",
                "dossier_id",
                "role",
                "required_document_id",
                "title",
                "file",
                "original_name",
                "content_type",
                "size",
                "is_digitised",
            ],
        ).copy(cur, rows)
        return f"{len(rows)} files under {root}"

    # --- scoring ---------------------------------------------------------------------------
    def scoring(self):
        from scoring import ranking
        from scoring.models import Assessment, CriteriaSet, Score
        from tests.scoring.factories_b import make_set, make_tree

        rng = self.rng
        with transaction.atomic():
            criteria_set = make_set(year=STATS_YEAR, published=False)
            _roots, leaves = make_tree(criteria_set)  # 10 × 3 × 5 = 150 leaves
            agencies = list(range(1, self.n_agencies + 1))
            assessments = [(k + 1, criteria_set.pk, a, "approved") for k, a in enumerate(agencies)]
            with connection.cursor() as cur:
                Table(Assessment, ["id", "criteria_set_id", "agency_id", "status"]).copy(
                    cur, assessments
                )
                reset_sequence(cur, Assessment)
                choices = [
                    Decimal("1"),
                    Decimal("1"),
                    Decimal("0.75"),
                    Decimal("0.5"),
                    Decimal("0"),
                ]

                def scores():
                    pk = 0
                    for aid, _s, _a, _st in assessments:
                        quality = rng.random()
                        for leaf in leaves:
                            pk += 1
                            own = rng.choice(choices) * leaf.max_points
                            appraised = own if rng.random() < quality + 0.3 else own / 2
                            yield (pk, aid, leaf.pk, own, appraised)

                Table(
                    Score,
                    ["id", "assessment_id", "criterion_id", "self_points", "appraised_points"],
                ).copy(cur, scores())
                reset_sequence(cur, Score)
            ranking.compute(criteria_set=criteria_set)
            Assessment.objects.filter(criteria_set=criteria_set).update(
                status=Assessment.Status.PUBLISHED, published_at=NOW
            )
            CriteriaSet.objects.filter(pk=criteria_set.pk).update(
                status=getattr(CriteriaSet.Status, "PUBLISHED", criteria_set.status),
                published_at=NOW,
                ranking_computed_at=NOW,
            )
        return f"{len(assessments)} assessments × {len(leaves)} leaves"

    # --- surveys ---------------------------------------------------------------------------
    def surveys(self):
        from surveys.models import Answer, Response, SurveyStatus
        from tests.surveys.factories_b import sipas_survey

        rng = self.rng
        with transaction.atomic():
            survey = sipas_survey(
                title="Khảo sát SIPAS năm 2025 (dữ liệu benchmark)",
                status=SurveyStatus.OPEN
                if hasattr(SurveyStatus, "OPEN")
                else SurveyStatus.values[0],
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 12, 31),
            )
            scale = list(survey.questions.filter(type="scale5").values_list("pk", flat=True))
            agencies = list(self.weights)
            R = self.n_responses
            span = 365 * 86400
            start = datetime.datetime(2025, 1, 1, 2, tzinfo=UTC)
            responses = []
            for k in range(R):
                at = start + datetime.timedelta(seconds=rng.random() * span)
                responses.append(
                    (
                        k + 1,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        survey.pk,
                        agencies[rng.randrange(len(agencies))],
                        f"1.{rng.randrange(1, self.n_procedures + 1):06d}",
                        "submitted",
                        f"bench{k:09d}",
                        at,
                        at,
                    )
                )
            with connection.cursor() as cur:
                Table(
                    Response,
                    [
                        "id",
                        "public_id",
                        "survey_id",
                        "agency_id",
                        "procedure_code",
                        "status",
                        "resume_key",
                        "started_at",
                        "submitted_at",
                    ],
                ).copy(cur, responses)

                def answers():
                    pk = 0
                    for r in responses:
                        for q in scale:
                            pk += 1
                            yield (pk, r[0], q, rng.choice([3, 4, 4, 5, 5, 2, 1]))

                Table(Answer, ["id", "response_id", "question_id", "value_int"]).copy(
                    cur, answers()
                )
                reset_sequence(cur, Response)
                reset_sequence(cur, Answer)
        return f"{R} responses × {len(scale)} answers"

    def analyze(self):
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # what autovacuum would do: stats + visibility map
        return ""
