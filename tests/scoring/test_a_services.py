"""Builder, self-assessment and appraisal services: bounds, freezing, deadlines, evidence."""

import datetime
import io
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from scoring import services
from scoring.models import Assessment, CriteriaSet, Criterion, Evidence, RuleType
from scoring.workflow import WorkflowError
from tests.factories import AgencyFactory

from .factories import (  # noqa: F401 (autouse fixture)
    CriteriaSetFactory,
    actors,
    fast_passwords,
    fill_and_submit,
    open_set,
    small_tree,
    staff,
)

pytestmark = pytest.mark.django_db
S = Assessment.Status


@pytest.fixture
def ctx():
    criteria_set, nodes = open_set()
    agency = AgencyFactory()
    people = actors(agency)
    assessment = services.start_assessment(
        criteria_set=criteria_set, agency=agency, by=people["officer"]
    )
    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    return criteria_set, nodes, assessment, people, scores


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- builder
def test_only_home_affairs_builds():
    officer = staff(Role.CCHC_OFFICER)
    with pytest.raises(WorkflowError):
        services.create_set(year=2040, target_group="departments", name="x", by=officer)
    appraiser = staff(Role.APPRAISER)
    criteria_set = services.create_set(
        year=2040, target_group="departments", name="x", by=appraiser
    )
    assert criteria_set.bands.count() == 5


def test_duplicate_year_group_refused():
    appraiser = staff(Role.APPRAISER)
    services.create_set(year=2040, target_group="communes", name="x", by=appraiser)
    with pytest.raises(ValidationError) as exc:
        services.create_set(year=2040, target_group="communes", name="y", by=appraiser)
    assert "Đã có bộ tiêu chí" in str(exc.value)


def test_open_refuses_tree_whose_totals_do_not_add_up():
    appraiser = staff(Role.APPRAISER)
    criteria_set = CriteriaSetFactory()
    nodes = small_tree(criteria_set)
    Criterion.objects.filter(pk=nodes["1"].pk).update(max_points=7)
    with pytest.raises(ValidationError) as exc:
        services.open_set(criteria_set=criteria_set, by=appraiser)
    assert any("tổng điểm tối đa các tiêu chí con là 6" in m for m in exc.value.messages)
    criteria_set.refresh_from_db()
    assert criteria_set.status == CriteriaSet.Status.DRAFT
    Criterion.objects.filter(pk=nodes["1"].pk).update(max_points=6)
    services.open_set(criteria_set=criteria_set, by=appraiser)
    criteria_set.refresh_from_db()
    assert criteria_set.status == CriteriaSet.Status.OPEN


def test_open_needs_a_deadline():
    criteria_set = CriteriaSetFactory(submission_deadline=None)
    small_tree(criteria_set)
    with pytest.raises(ValidationError) as exc:
        services.open_set(criteria_set=criteria_set, by=staff(Role.APPRAISER))
    assert "Chưa đặt hạn nộp" in exc.value.messages[0]


def test_add_move_edit_delete_criterion():
    appraiser = staff(Role.APPRAISER)
    criteria_set = CriteriaSetFactory()
    area = services.add_criterion(
        criteria_set=criteria_set, parent=None, by=appraiser, code="1", name="A", max_points=D("3")
    )
    a = services.add_criterion(
        criteria_set=criteria_set,
        parent=area,
        by=appraiser,
        code="1.1",
        name="a",
        max_points=D("1"),
    )
    b = services.add_criterion(
        criteria_set=criteria_set,
        parent=area,
        by=appraiser,
        code="1.2",
        name="b",
        max_points=D("2"),
    )
    services.move_criterion(criterion=b, direction="up", by=appraiser)
    assert list(area.children.order_by("position").values_list("code", flat=True)) == ["1.2", "1.1"]
    with pytest.raises(ValidationError) as exc:
        services.add_criterion(
            criteria_set=criteria_set, parent=area, by=appraiser, code="1.1", name="c", max_points=1
        )
    assert "Mã tiêu chí đã được dùng" in str(exc.value)
    with pytest.raises(ValidationError):
        services.update_criterion(criterion=area, by=appraiser, parent=a)  # into its own child
    services.update_criterion(criterion=a, by=appraiser, max_points=D("1.5"))
    services.delete_criterion(criterion=area, by=appraiser)
    assert not Criterion.objects.filter(criteria_set=criteria_set).exists()


def test_rule_configuration_refused_when_saving():
    appraiser = staff(Role.APPRAISER)
    criteria_set = CriteriaSetFactory()
    with pytest.raises(ValidationError) as exc:
        services.add_criterion(
            criteria_set=criteria_set,
            parent=None,
            by=appraiser,
            code="1",
            name="x",
            max_points=D("2"),
            rule_type=RuleType.COUNT_CAPPED,
        )
    assert "điểm mỗi đơn vị" in str(exc.value)
    assert not Criterion.objects.filter(criteria_set=criteria_set).exists()


def test_set_frozen_after_first_submission(ctx):
    criteria_set, nodes, assessment, p, _ = ctx
    fill_and_submit(assessment, p["officer"], nodes)
    criteria_set.refresh_from_db()
    assert criteria_set.is_frozen
    for call in (
        lambda: services.add_criterion(
            criteria_set=criteria_set,
            parent=None,
            by=p["appraiser"],
            code="3",
            name="x",
            max_points=1,
        ),
        lambda: services.update_criterion(criterion=nodes["1.1"], by=p["appraiser"], name="y"),
        lambda: services.move_criterion(
            criterion=nodes["1.1"], direction="down", by=p["appraiser"]
        ),
        lambda: services.delete_criterion(criterion=nodes["2"], by=p["appraiser"]),
    ):
        with pytest.raises(WorkflowError) as exc:
            call()
        assert "đã bị khóa" in str(exc.value)
    assert Criterion.objects.get(pk=nodes["1.1"].pk).name == nodes["1.1"].name
    # the deadline may still be extended
    services.update_set(
        criteria_set=criteria_set, by=p["appraiser"], submission_deadline=datetime.date(2100, 1, 1)
    )


def test_copy_set_copies_tree_and_bands(ctx):
    criteria_set, _nodes, _a, p, _ = ctx
    new = services.copy_set(source=criteria_set, year=criteria_set.year + 1, by=p["appraiser"])
    assert new.status == CriteriaSet.Status.DRAFT and new.copied_from == criteria_set
    codes = dict(new.criteria.values_list("code", "parent__code"))
    assert codes == {"1": None, "1.1": "1", "1.2": "1", "1.3": "1", "2": None, "2.1": "2"}
    assert new.criteria.get(code="1.3").tiers == [["1", "3"], ["0.8", "1.5"]]
    assert new.bands.count() == criteria_set.bands.count()


# ---------------------------------------------------------------- self-assessment
def test_points_above_max_refused_and_nothing_saved(ctx):
    *_, p, scores = ctx
    services.save_self_score(score=scores["1.1"], by=p["officer"], points="1", explanation="ok")
    with pytest.raises(ValidationError) as exc:
        services.save_self_score(
            score=scores["1.1"], by=p["officer"], points="2.5", explanation="new"
        )
    assert "vượt quá điểm tối đa 2" in str(exc.value)
    scores["1.1"].refresh_from_db()
    assert scores["1.1"].self_points == D("1") and scores["1.1"].explanation == "ok"


def test_rule_inputs_become_points(ctx):
    *_, p, scores = ctx
    assert services.save_self_score(score=scores["1.2"], by=p["officer"], yes=True).self_points == 1
    assert services.save_self_score(
        score=scores["1.3"], by=p["officer"], ratio="0.8"
    ).self_points == D("1.5")
    s = services.save_self_score(score=scores["2.1"], by=p["officer"], count=5)
    assert s.self_points == 0 and s.declared_count == 5


def test_only_own_officer_edits(ctx):
    *_, p, scores = ctx
    for user in (p["leader"], p["appraiser"], staff(Role.CCHC_OFFICER, AgencyFactory())):
        with pytest.raises(WorkflowError):
            services.save_self_score(score=scores["1.1"], by=user, points="1")


def test_editing_after_submission_refused(ctx):
    _cs, nodes, assessment, p, scores = ctx
    fill_and_submit(assessment, p["officer"], nodes)
    with pytest.raises(WorkflowError) as exc:
        services.save_self_score(score=scores["1.1"], by=p["officer"], points="2")
    assert "không thể sửa điểm tự đánh giá" in str(exc.value)
    with pytest.raises(WorkflowError):
        services.add_evidence(score=scores["1.1"], by=p["officer"], title="x", url="https://a.vn")
    scores["1.1"].refresh_from_db()
    assert scores["1.1"].self_points == D("1.5")


def test_submit_requires_every_leaf_and_required_evidence(ctx):
    _cs, _n, assessment, p, scores = ctx
    services.save_self_score(score=scores["1.1"], by=p["officer"], points="1")
    with pytest.raises(WorkflowError) as exc:
        services.submit(assessment=assessment, by=p["officer"])
    assert "Chưa chấm điểm các tiêu chí: 1.2, 1.3, 2.1" in str(exc.value)
    services.save_self_score(score=scores["1.2"], by=p["officer"], yes=True)
    services.save_self_score(score=scores["1.3"], by=p["officer"], ratio="1")
    services.save_self_score(score=scores["2.1"], by=p["officer"], count=0)
    with pytest.raises(WorkflowError) as exc:
        services.submit(assessment=assessment, by=p["officer"])
    assert "bắt buộc có tài liệu kiểm chứng: 1.2" in str(exc.value)
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and assessment.criteria_set.frozen_at is None


def test_submit_after_deadline_refused(ctx):
    criteria_set, nodes, assessment, p, _ = ctx
    criteria_set.submission_deadline = datetime.date(2030, 1, 15)
    criteria_set.save()
    with time_machine.travel(datetime.datetime(2030, 1, 16, 9, tzinfo=datetime.UTC)):
        with pytest.raises(WorkflowError) as exc:
            fill_and_submit(assessment, p["officer"], nodes)
        assert "Đã quá hạn nộp tự đánh giá (15/01/2030)" in str(exc.value)
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT


def test_evidence_file_stored_and_bad_files_refused(ctx):
    *_, p, scores = ctx
    good = SimpleUploadedFile("anh chup.png", png_bytes(), content_type="image/png")
    ev = services.add_evidence(
        score=scores["1.2"], by=p["officer"], title="Ảnh", file=good, doc_number="12/QĐ"
    )
    assert ev.file and ev.content_type == "image/png" and ev.original_name == "anh_chup.png"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(score=scores["1.2"], by=p["officer"], title="x", file=fake)
    assert "không khớp" in str(exc.value)
    exe = SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(score=scores["1.2"], by=p["officer"], title="x", file=exe)
    assert "Định dạng tệp không được chấp nhận" in str(exc.value)
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(score=scores["1.2"], by=p["officer"], title="x", file=big)
    assert "Tệp quá lớn" in str(exc.value)
    assert Evidence.objects.count() == 1


# ---------------------------------------------------------------- appraisal
@pytest.fixture
def appraising(ctx):
    _criteria_set, nodes, assessment, p, _scores = ctx
    fill_and_submit(assessment, p["officer"], nodes)
    services.start_appraisal(assessment=assessment, by=p["appraiser"])
    return ctx


def test_appraised_points_bounded(appraising):
    *_, p, scores = appraising
    with pytest.raises(ValidationError) as exc:
        services.save_appraisal(score=scores["2.1"], by=p["appraiser"], points="-1")
    assert "thấp hơn mức tối thiểu 0" in str(exc.value)
    services.save_appraisal(score=scores["2.1"], by=p["appraiser"], points="3", comment="Trừ 1 lần")
    scores["2.1"].refresh_from_db()
    assert scores["2.1"].appraised_points == 3


def test_override_of_auto_points_needs_a_reason(appraising):
    *_, p, scores = appraising
    score = scores["1.3"]
    score.auto_points = D("1.5")
    score.save()
    with pytest.raises(ValidationError) as exc:
        services.save_appraisal(score=score, by=p["appraiser"], points="3")
    assert "lý do điều chỉnh" in str(exc.value)
    services.save_appraisal(
        score=score, by=p["appraiser"], points="3", override_reason="Số liệu bổ sung"
    )


def test_explanation_reopens_only_chosen_leaves(appraising):
    _cs, _n, assessment, p, scores = appraising
    with pytest.raises(ValidationError):
        services.request_explanation(
            assessment=assessment, by=p["appraiser"], questions={}, deadline=timezone.now()
        )
    services.request_explanation(
        assessment=assessment,
        by=p["appraiser"],
        questions={scores["1.2"].pk: "Tài liệu chưa có chữ ký"},
        deadline=timezone.now() + datetime.timedelta(days=2),
    )
    png = SimpleUploadedFile("bo-sung.png", png_bytes(), content_type="image/png")
    ev = services.add_evidence(score=scores["1.2"], by=p["officer"], title="Bản ký", file=png)
    assert ev.stage == Evidence.Stage.EXPLANATION
    with pytest.raises(WorkflowError):
        services.add_evidence(score=scores["1.1"], by=p["officer"], title="x", url="https://a.vn")
    with pytest.raises(WorkflowError):
        services.answer_explanation(score=scores["1.1"], by=p["officer"], answer="x")
    with pytest.raises(WorkflowError):
        services.save_self_score(score=scores["1.2"], by=p["officer"], yes=False)
    with pytest.raises(WorkflowError) as exc:
        services.send_explanation(assessment=assessment, by=p["officer"])
    assert "Chưa giải trình các tiêu chí: 1.2" in str(exc.value)
    services.answer_explanation(score=scores["1.2"], by=p["officer"], answer="Đã bổ sung bản ký")
    services.send_explanation(assessment=assessment, by=p["officer"])
    assessment.refresh_from_db()
    assert assessment.status == S.UNDER_APPRAISAL


def test_explanation_after_deadline_refused(appraising):
    _cs, _n, assessment, p, scores = appraising
    services.request_explanation(
        assessment=assessment,
        by=p["appraiser"],
        questions={scores["1.2"].pk: "?"},
        deadline=timezone.now() + datetime.timedelta(hours=1),
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        with pytest.raises(WorkflowError) as exc:
            services.answer_explanation(score=scores["1.2"], by=p["officer"], answer="muộn")
        assert "quá hạn giải trình" in str(exc.value)
        # the appraiser can take the request back and finish
        services.send_explanation(assessment=assessment, by=p["appraiser"])


def test_finish_requires_every_leaf_appraised(appraising):
    _cs, _n, assessment, p, scores = appraising
    services.save_appraisal(score=scores["1.1"], by=p["appraiser"], points="1")
    with pytest.raises(WorkflowError) as exc:
        services.finish_appraisal(assessment=assessment, by=p["appraiser"])
    assert "1.2, 1.3, 2.1" in str(exc.value)
