"""Form widgets shared by the apps."""

from django import forms
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class Select(forms.Select):  # named "Select": crispy derives the CSS class "form-select" from it
    """Django's <select> for long flat lists (hundreds of agencies), rendered in Python: Django
    renders `select_option.html` once per option, ~40 ms for 1,000 agencies; this takes a few ms
    and gives the same HTML. Option groups are not supported (flat choices only)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = {str(v) for v in self.format_value(value)}
        attributes = format_html_join(
            "",
            " {}{}",
            (
                (key, "" if val is True else format_html('="{}"', val))
                for key, val in final.items()
                if val is not False and val is not None
            ),
        )
        parts = []
        for option, label in self.choices:
            option = "" if option is None else str(option)
            mark = " selected" if option in selected else ""
            parts.append(f'\n  <option value="{escape(option)}"{mark}>{escape(label)}</option>')
        # every value and label above is escaped
        options = mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
        return format_html("<select{}>{}\n</select>", attributes, options)
