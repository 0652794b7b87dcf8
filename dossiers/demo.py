"""Demo dossiers for `manage.py seed_demo`: a realistic year (02/01/2026 → today) of about 1,500
dossiers at the demo agencies, so that every statistic and queue has something to show.

Built fast with bulk_create (not through the per-dossier services), but shaped like what the
services produce: codes in the counter's format with the DossierCodeCounter rows raised to the
highest sequence used per unit and day, due moments from deadlines.compute_due_at, outcomes
from deadlines.outcome_for, pauses that move the due moment by their working time, and one
DossierEvent per transition and hand-off. Every demo dossier carries external_code "DEMO-nnnn";
seed() does nothing when one exists (idempotent). A fixed random seed makes runs repeatable
(for the same "today").

Needs the agencies, accounts and procedures seeds first. The demo citizen congdan@cchc.local owns
a handful: one waiting for a supplement, one finished (result at the desk), one returned, one
being processed and one just submitted. All names, numbers and addresses are ILLUSTRATIVE.
"""

import dataclasses
import datetime
import random
import uuid
from fractions import Fraction

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from agencies import worktime
from agencies.models import Agency
from procedures.models import ProcedureCase, ProcedureVersion

from . import deadlines, signals
from .models import (
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Outcome,
    Refusal,
    Status,
    Step,
    SupplementRequest,
)

MARKER = "DEMO-"
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a secret)
FIRST_DAY = datetime.date(2026, 1, 2)
TOTAL = 1500
RANDOM_SEED = 20260102

CENTRE = "000.30.00.H13"
NINH_KIEU = "000.40.01.H13"
CAI_KHE = "000.40.02.H13"
JUSTICE = "000.11.00.H13"
# competent agency → share of the dossiers
WEIGHTS = {NINH_KIEU: 40, CAI_KHE: 30, JUSTICE: 18, CENTRE: 12}
DESK_USERS = {CENTRE: "motcua@cchc.local", NINH_KIEU: "motcua.ninhkieu@cchc.local"}
OFFICER = "chuyenvien@cchc.local"
LEADER = "lanhdao@cchc.local"
CITIZEN = "congdan@cchc.local"

# the procedures people ask for most (others follow in code order); Zipf-like weights
POPULAR = ["2.000815", "1.001193", "1.004222", "1.000656", "1.000894", "2.000908", "1.001612",
           "2.000720", "1.012753", "1.011442", "1.001233", "2.000587", "1.004122"]  # fmt: skip
POPULARITY = [1 / (rank + 1) for rank in range(200)]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Thị Kim", "Hữu", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Hùng", "Khoa", "Lan", "Long", "Mai",
         "Nam", "Nhung", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trí", "Tuấn", "Uyên", "Vy"]  # fmt: skip
STREETS = ["Hòa Bình", "Trần Hưng Đạo", "Nguyễn Trãi", "Mậu Thân", "30 Tháng 4", "Cách Mạng Tháng 8",
           "Lý Tự Trọng", "Trần Phú", "Nguyễn Văn Cừ", "Hai Bà Trưng"]  # fmt: skip
WARDS = ["Ninh Kiều", "Cái Khế", "Tân An", "An Bình", "Hưng Lợi", "Xuân Khánh"]
SUPPLEMENT_ITEMS = [
    "Bản sao Giấy khai sinh",
    "Bản sao căn cước của người yêu cầu",
    "Văn bản ủy quyền có chứng thực",
    "Tờ khai ký đầy đủ họ tên",
    "Giấy xác nhận tình trạng hôn nhân",
]
REFUSAL_REASONS = [
    "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan.",
    "Hồ sơ không đủ điều kiện giải quyết theo quy định.",
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


@dataclasses.dataclass
class _Plan:
    """One demo dossier before it is written: the dossier, its events and side rows."""

    dossier: Dossier
    events: list[dict]
    supplement: dict | None = None
    refusal: dict | None = None


class _Builder:
    def __init__(self, *, rng: random.Random, now: datetime.datetime, agencies, users, cases):
        self.rng = rng
        self.now = now
        self.agencies = agencies
        self.users = users
        self.cases = cases
        self.calendars = {a.pk: worktime.WorkCalendar(a) for a in agencies.values()}

    # -- people ---------------------------------------------------------------------------------
    def person(self) -> dict:
        rng = self.rng
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return {
            "applicant_name": name,
            "applicant_id_number": f"0920{rng.randrange(10**8):08d}",
            "applicant_phone": f"09{rng.randrange(10**8):08d}",
            "applicant_address": (
                f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, phường "
                f"{rng.choice(WARDS)}, thành phố Cần Thơ"
            ),
        }

    # -- time -----------------------------------------------------------------------------------
    def later(self, calendar, start, hours: float) -> datetime.datetime:
        return calendar.add_working_hours(start, Fraction(round(hours * 60), 60))

    # -- one dossier ----------------------------------------------------------------------------
    def plan(self, *, submitted, competent_id, case, channel, force=None, owner=None) -> _Plan:
        rng = self.rng
        competent = self.agencies[competent_id]
        receiving = (
            self.agencies[CENTRE] if competent_id == JUSTICE and rng.random() < 0.7 else competent
        )
        calendar = self.calendars[competent.pk]
        desk = self.users.get(DESK_USERS.get(receiving.electronic_id, ""))
        officer = self.users.get(OFFICER) if competent_id == JUSTICE else None
        leader = self.users.get(LEADER) if competent_id == JUSTICE else None
        people = self.person()
        if owner is not None:
            people = {
                "applicant_name": owner.full_name,
                "applicant_id_number": owner.citizen_id or "",
                "applicant_phone": owner.phone or "",
                "applicant_address": owner.address,
                "applicant_email": owner.email,
            }
        d = Dossier(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            tracking_secret="".join(rng.choice(SECRET_ALPHABET) for _ in range(8)),
            procedure_version=case.version,
            case=case,
            summary=case.version.name[:200],
            channel=channel,
            applicant_user=owner,
            owner_name=people["applicant_name"],
            owner_address=people["applicant_address"],
            receiving_unit=receiving,
            competent_agency=competent,
            current_unit=receiving,
            fee_amount=case.fee_amount,
            fees_paid=bool(case.fee_amount),
            submitted_at=submitted,
            created_by=owner if channel == Channel.ONLINE else desk,
            **people,
        )
        events: list[dict] = []
        plan = _Plan(dossier=d, events=events)

        def event(kind, at, by=None, frm=None, to=None, **extra):
            events.append(
                {"kind": kind, "at": at, "by": by, "from_status": frm, "to_status": to, **extra}
            )
            d.status = to if to is not None else d.status

        T = DossierEvent.Kind
        S = Status
        paper = channel != Channel.ONLINE
        if paper:
            event(T.CREATED, submitted, desk, public=False)
        event(T.TRANSITION, submitted, owner if not paper else desk, None, S.SUBMITTED,
              to_unit=receiving)  # fmt: skip

        # resolved on the spot: same-day cases at the desk, about half of them
        same_day = not case.time_value
        if force is None and paper and same_day and rng.random() < 0.5:
            d.received_at = d.finished_at = d.returned_at = d.closed_at = submitted
            d.resolved_on_spot = True
            d.outcome = deadlines.ON_SPOT_OUTCOME
            d.step = Step.CLOSED
            event(T.TRANSITION, submitted, desk, S.SUBMITTED, S.RETURNED,
                  data={"resolved_on_spot": True})  # fmt: skip
            return plan

        received = submitted
        if not paper:
            waited = rng.uniform(0.2, 6) if force != "submitted" else 1000
            received = self.later(calendar, submitted, waited)
        if received > self.now:
            d.step = Step.AT_DESK
            return plan
        if force is None and not paper and desk is not None and rng.random() < 0.035:
            d.refused_at = d.closed_at = received
            d.step = Step.CLOSED
            reason = rng.choice(REFUSAL_REASONS)
            plan.refusal = {"reasons": reason, "refused_by": desk, "refused_at": received}
            event(T.TRANSITION, received, desk, S.SUBMITTED, S.REFUSED, note=reason)
            return plan

        # accepted: the clock starts
        d.received_at = received
        d.due_at = d.original_due_at = deadlines.compute_due_at(
            case=case, channel=channel, received_at=received, agency=competent
        )
        _amount, unit = deadlines.time_limit(case=case, channel=channel)
        event(T.TRANSITION, received, desk, S.SUBMITTED, S.ACCEPTED, step_deadline=d.due_at)
        span = worktime.working_time_between(received, d.due_at, calendar=calendar)
        span_hours = max(span.total_seconds() / 3600, 1)
        anyone = officer or desk or leader or self.users.get(LEADER)

        # processing starts: hand-over to the competent unit, or assignment inside it
        start = self.later(calendar, received, rng.uniform(0.05, min(1.0, span_hours / 3)))
        if start > self.now:
            start = received
        if receiving.pk != competent.pk:
            event(T.HANDOFF, start, desk, S.ACCEPTED, S.PROCESSING, from_unit=receiving,
                  to_unit=competent)  # fmt: skip
            if officer is not None:
                event(T.ASSIGN, start, leader, S.PROCESSING, S.PROCESSING, from_unit=competent,
                      to_unit=competent, public=False,
                      data={"officer": officer.pk, "officer_name": officer.full_name})  # fmt: skip
                d.assigned_officer = officer
        else:
            event(T.ASSIGN, start, desk, S.ACCEPTED, S.PROCESSING, from_unit=competent,
                  to_unit=competent, public=False, data={})  # fmt: skip
        d.current_unit = competent
        d.step = Step.WITH_OFFICER if d.assigned_officer else Step.WITH_UNIT

        roll = rng.random()
        # a supplement request pauses the clock; answered after 1-6 working days
        if anyone is not None and (force == "supplement_open" or (force is None and roll < 0.08)):
            asked = self.later(calendar, start, span_hours * rng.uniform(0.1, 0.4))
            if force == "supplement_open" or asked <= self.now:
                items = [
                    {"name": name, "copies_original": 0, "copies_certified": 1, "copies_photo": 0}
                    for name in rng.sample(SUPPLEMENT_ITEMS, rng.randint(1, 2))
                ]
                reason = "Hồ sơ còn thiếu giấy tờ theo quy định."
                event(T.SUPPLEMENT_REQUEST, asked, officer or desk, S.PROCESSING,
                      S.WAITING_SUPPLEMENT, note=reason, data={"items": items})  # fmt: skip
                answered = self.later(calendar, asked, 8 * rng.uniform(1, 6))
                plan.supplement = {
                    "items": items,
                    "reason": reason,
                    "requested_by": anyone,
                    "requested_at": asked,
                }
                if force == "supplement_open" or answered > self.now:
                    d.paused_at = asked
                    return plan
                paused = worktime.working_time_between(asked, answered, calendar=calendar)
                seconds = max(int(paused.total_seconds()), 0)
                d.due_at = calendar.add_working_hours(d.due_at, Fraction(seconds, 3600))
                plan.supplement.update(answered_at=answered, paused_working_seconds=seconds)
                event(T.SUPPLEMENT_ANSWER, answered, owner, S.WAITING_SUPPLEMENT, S.PROCESSING,
                      data={"paused_working_seconds": seconds})  # fmt: skip
                start = answered
        # withdrawn by the applicant, or stopped by a leader
        if force is None and 0.08 <= roll < 0.11:
            moment = self.later(calendar, start, span_hours * rng.uniform(0.1, 0.5))
            if moment <= self.now:
                to = S.WITHDRAWN if roll < 0.10 else S.STOPPED
                note = (
                    "Công dân đề nghị rút hồ sơ."
                    if to == S.WITHDRAWN
                    else "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền."
                )
                event(T.TRANSITION, moment, desk if to == S.WITHDRAWN else leader, S.PROCESSING,
                      to, note=note)  # fmt: skip
                d.closed_at = moment
                d.step = Step.CLOSED
                return plan

        # finished early / on time / late, or stuck (stays open, soon overdue)
        if force == "processing" or (force is None and 0.11 <= roll < 0.12):
            return plan
        kind = rng.random()
        if force in ("finished", "returned"):
            kind = 0.5
        due = d.due_at
        if kind < 0.06:  # late
            finished = self.later(calendar, due, 8 * rng.uniform(0.6, 5))
        elif kind < 0.30:  # on the due date
            finished = max(due - datetime.timedelta(hours=rng.uniform(0.2, 3)), start)
            finished = max(finished, received + datetime.timedelta(minutes=20))
        else:  # early
            finished = self.later(calendar, start, span_hours * rng.uniform(0.1, 0.8))
        if finished > self.now:
            return plan
        d.finished_at = finished
        d.outcome = deadlines.outcome_for(finished_at=finished, due_at=due, unit=unit)
        event(T.TRANSITION, finished, officer or desk, S.PROCESSING, S.FINISHED,
              data={"outcome": d.outcome})  # fmt: skip
        back = finished
        if receiving.pk != competent.pk:
            back = finished + datetime.timedelta(minutes=rng.randint(10, 90))
            event(T.HANDOFF, back, officer, S.FINISHED, S.FINISHED, from_unit=competent,
                  to_unit=receiving)  # fmt: skip
        d.current_unit = receiving
        d.assigned_officer = None
        d.step = Step.RESULT_AT_DESK
        returned = self.later(calendar, back, rng.uniform(0.3, 24))
        if force == "finished" or returned > self.now:
            return plan
        d.returned_at = d.closed_at = returned
        d.step = Step.CLOSED
        event(T.TRANSITION, returned, desk, S.FINISHED, S.RETURNED)
        return plan


def _cases_of(agency: Agency, first_day: datetime.date, last_day: datetime.date):
    """The agency's cases in force all year, the most asked-for procedures first."""
    versions = (
        ProcedureVersion.objects.in_force_on(first_day)
        .in_force_on(last_day)
        .filter(agency_links__agency=agency)
    )
    found = list(
        ProcedureCase.objects.filter(version__in=versions)
        .select_related("version__procedure")
        .order_by("version__procedure__code", "order", "pk")
    )
    rank = {code: index for index, code in enumerate(POPULAR)}
    return sorted(found, key=lambda c: rank.get(c.version.procedure.code, len(rank)))


def _submission_moment(rng, day: datetime.date, channel: int, tz) -> datetime.datetime:
    if channel == Channel.ONLINE:
        minutes = rng.randint(6 * 60, 22 * 60)
    else:
        minutes = rng.choice(
            [rng.randint(7 * 60 + 15, 11 * 60), rng.randint(13 * 60 + 45, 16 * 60)]
        )
    naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    return naive.replace(tzinfo=tz)


@transaction.atomic
def seed(stdout=None, *, total: int = TOTAL, now: datetime.datetime | None = None) -> None:
    if Dossier.objects.filter(external_code__startswith=MARKER).exists():
        _say(stdout, "dossiers: demo dossiers already present, kept")
        return
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today <= FIRST_DAY:
        _say(stdout, "dossiers: the demo year has not started yet, skipped")
        return
    agencies = {a.electronic_id: a for a in Agency.objects.filter(electronic_id__in=WEIGHTS)}
    cases = {eid: _cases_of(agencies[eid], FIRST_DAY, today) for eid in agencies}
    cases = {eid: found for eid, found in cases.items() if found}
    if not cases:
        _say(stdout, "dossiers: demo agencies or procedures missing (run their seeds), skipped")
        return
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[*DESK_USERS.values(), OFFICER, LEADER, CITIZEN])
    }
    rng = random.Random(RANDOM_SEED)  # noqa: S311 (repeatable demo data, not security)
    builder = _Builder(rng=rng, now=now, agencies=agencies, users=users, cases=cases)
    tz = worktime.tz()
    national = worktime.WorkCalendar()
    days = []
    day = FIRST_DAY
    while day <= today:
        if national.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)

    competent_ids = [eid for eid in WEIGHTS if eid in cases]
    weights = [WEIGHTS[eid] for eid in competent_ids]
    plans: list[_Plan] = []
    for _index in range(total):
        competent_id = rng.choices(competent_ids, weights)[0]
        pool = cases[competent_id]
        case = rng.choices(pool, POPULARITY[: len(pool)])[0]
        online = case.version.allows_online_submission and rng.random() < 0.7
        channel = Channel.ONLINE if online else (
            Channel.POST if rng.random() < 0.06 else Channel.IN_PERSON
        )  # fmt: skip
        submitted = _submission_moment(rng, rng.choice(days), channel, tz)
        if submitted > now:
            submitted = now - datetime.timedelta(minutes=rng.randint(5, 600))
        plans.append(
            builder.plan(submitted=submitted, competent_id=competent_id, case=case, channel=channel)
        )

    citizen = users.get(CITIZEN)
    if citizen is not None and NINH_KIEU in cases:
        online_cases = [
            c
            for c in cases[NINH_KIEU]
            if c.version.allows_online_submission and c.time_value and c.time_value <= 5
        ]
        recent = [d for d in days if d < today][-40:]
        for force, day_index in (
            ("returned", 0),
            ("finished", 25),
            ("supplement_open", 30),
            ("processing", 36),
            ("submitted", -1),
        ):
            case = online_cases[(day_index + 3) % len(online_cases)]
            submitted = _submission_moment(rng, recent[day_index], Channel.ONLINE, tz)
            if force == "submitted":
                submitted = min(submitted, now - datetime.timedelta(minutes=30))
            plans.append(
                builder.plan(
                    submitted=submitted,
                    competent_id=NINH_KIEU,
                    case=case,
                    channel=Channel.ONLINE,
                    force=force,
                    owner=citizen,
                )
            )
    _write(plans, stdout=stdout)
    signals.bulk_written()  # no save signal refreshed the queues and records


def _write(plans: list[_Plan], *, stdout) -> None:
    plans.sort(key=lambda p: (p.dossier.submitted_at, p.dossier.public_id))
    # codes: the counter's format, continuing after any sequence already allocated that day
    units = {p.dossier.receiving_unit_id for p in plans}
    counters = {
        (c.unit_id, c.day): c
        for c in DossierCodeCounter.objects.filter(unit_id__in=units).select_for_update()
    }
    last: dict[tuple[int, datetime.date], int] = {
        key: counter.last for key, counter in counters.items()
    }
    for number, plan in enumerate(plans, start=1):
        d = plan.dossier
        day = timezone.localdate(d.submitted_at)
        key = (d.receiving_unit_id, day)
        last[key] = last.get(key, 0) + 1
        d.code = f"{d.receiving_unit.electronic_id}-{day:%y%m%d}-{last[key]:04d}"
        d.external_code = f"{MARKER}{number:04d}"
        d.revision = len(plan.events)
    for key, value in last.items():
        if key in counters and counters[key].last != value:
            counters[key].last = value
            counters[key].save(update_fields=["last"])
    DossierCodeCounter.objects.bulk_create(
        DossierCodeCounter(unit_id=unit_id, day=day, last=value)
        for (unit_id, day), value in last.items()
        if (unit_id, day) not in counters
    )

    Dossier.objects.bulk_create([p.dossier for p in plans], batch_size=500)
    # created_at is auto_now_add: set it to the submission moment, as if created then
    Dossier.objects.filter(external_code__startswith=MARKER).update(created_at=F("submitted_at"))
    requests = []
    for plan in plans:
        if plan.supplement:
            requests.append(
                SupplementRequest(dossier=plan.dossier, during_intake=False, **plan.supplement)
            )
    SupplementRequest.objects.bulk_create(requests, batch_size=500)
    Refusal.objects.bulk_create(
        [Refusal(dossier=p.dossier, **p.refusal) for p in plans if p.refusal], batch_size=500
    )
    DossierEvent.objects.bulk_create(
        [DossierEvent(dossier=p.dossier, **fields) for p in plans for fields in p.events],
        batch_size=1000,
    )
    statuses = {}
    for plan in plans:
        statuses[plan.dossier.status] = statuses.get(plan.dossier.status, 0) + 1
    late = sum(1 for p in plans if p.dossier.outcome == Outcome.LATE)
    _say(
        stdout,
        f"dossiers: {len(plans)} demo dossiers ({late} finished late), "
        + ", ".join(f"{Status(s).label}: {n}" for s, n in sorted(statuses.items())),
    )
