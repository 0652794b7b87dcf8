from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

register = template.Library()

UNIT_WORDS = {
    "working_day": pgettext_lazy("time limit unit", "ngày làm việc"),
    "calendar_day": pgettext_lazy("time limit unit", "ngày"),
    "working_hour": pgettext_lazy("time limit unit", "giờ làm việc"),
}


@register.filter
def vnd(value) -> str:
    """50000 → «50.000 đ» (dot thousands separator, the official style)."""
    if value is None or value == "":
        return ""
    try:
        amount = int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return str(value)
    return f"{amount:,} đ".replace(",", ".")


def format_limit(value, unit) -> str:
    """(7, working_day) → «07 ngày làm việc»; 0,5 → «0,5 ngày làm việc»; 4 h → «4 giờ làm việc»."""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        number = int(value)
        text = f"{number:02d}" if unit != "working_hour" and number < 10 else str(number)
    else:
        text = format(value, "f").replace(".", ",")
    return f"{text} {UNIT_WORDS.get(unit, unit)}"


@register.filter
def time_limit(case) -> str:
    """The statutory time limit of a case, in words."""
    if case.time_value == 0:
        if case.resolved_on_spot:
            text = _("Giải quyết ngay, không ra phiếu hẹn")
        else:
            text = _("Trong ngày")
        if case.same_day_cutoff:
            text += _("; nhận hồ sơ sau %(t)s thì trả kết quả trong ngày làm việc tiếp theo") % {
                "t": case.same_day_cutoff.strftime("%H:%M")
            }
        return text
    return format_limit(case.time_value, case.time_unit)


@register.filter
def channel_limit(case, channel: str) -> str:
    """Time limit for «online» / «post», falling back to the case's default."""
    value = getattr(case, f"{channel}_time_value", None)
    unit = getattr(case, f"{channel}_time_unit", "")
    if value is None or not unit:
        return time_limit(case)
    return format_limit(value, unit)


@register.filter
def fee(case) -> str:
    if case.fee_amount is None and not case.fee_text:
        return _("Không có thông tin")
    if case.fee_amount == 0 and not case.fee_text:
        return _("Không")
    if case.fee_text:
        if case.fee_amount:
            return f"{vnd(case.fee_amount)} — {case.fee_text}"
        return case.fee_text
    return vnd(case.fee_amount)
