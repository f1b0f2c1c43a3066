"""GOV.UK Frontend markup for every Django form, through Django's form rendering API.

``settings.FORM_RENDERER`` points at :class:`GovukFormRenderer`, so ``{{ form }}``
and ``{{ form.some_field.as_field_group }}`` give GOV.UK markup and error
handling without any per-form work. Apps' forms use Django's ordinary fields
and widgets; the field template is chosen from the widget:

=====================================  ====================================
widget                                 template (under govuk/forms/)
=====================================  ====================================
TextInput, EmailInput, URLInput, …     field.html (govuk-input)
Textarea                               fields/textarea.html (+ character count
                                       when the field has ``max_length``)
Select                                 fields/select.html
RadioSelect                            fields/radios.html (in a fieldset)
CheckboxSelectMultiple                 fields/checkboxes.html (in a fieldset)
CheckboxInput (a BooleanField)         fields/checkbox.html (one item)
GovukDateInput (GovukDateField)        fields/date.html (in a fieldset)
=====================================  ====================================

Conventions a form can opt into (plain class attributes, no base class):

- ``page_heading_field = "email"``: that field's label (or legend) is the
  page's ``<h1>``; ``page_heading_size = "l"`` (``"xl"``, ``"l"``, ``"m"``, ``"s"``).
- ``fieldsets = [("Contact details", ["email", "phone"]), …]``: ``{{ form }}``
  groups those fields in a ``govuk-fieldset`` with that legend.
- Input widths: put a GOV.UK width class on the widget,
  ``forms.TextInput(attrs={"class": "govuk-input--width-10"})``; ours are merged in.
- ``keep_rendered = ("met",)``: an unbound form given initial values for
  those fields only (or none) is rendered once and its markup kept in the
  cache, a copy per form class and those values. A form carrying someone's
  own earlier answers is never kept. Only for a form whose fields, choices
  and labels never change at run time: the check-in, which every member of a
  round opens when its email goes out.

Errors: the field shows its own ``govuk-error-message``; the error summary is
``govuk/forms/error_summary.html``, which ``core/base.html`` places at the top
of ``<main>`` by itself whenever the page's context has a ``form`` with errors.

HTML ``required`` attributes are left out on purpose: GOV.UK services validate
on the server and show their own messages (forms should also say ``novalidate``
so that ``type="email"`` is not checked by the browser).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.utils.safestring import mark_safe

__all__ = [
    "GovukRadioSelect",
    "PlainTextField",
    "GovukBoundField",
    "GovukDateField",
    "GovukDateInput",
    "GovukFormRenderer",
]

DATE_PARTS = ("day", "month", "year")

_HEADING_SIZES = ("xl", "l", "m", "s")


class GovukDateInput(forms.MultiWidget):
    """Three text boxes (day, month, year) in the GOV.UK date input pattern.

    Posts ``<name>_day``, ``<name>_month`` and ``<name>_year``; the boxes'
    ids are ``<id>_day`` and so on, so an error summary can link to a part.
    """

    template_name = "govuk/forms/widgets/date_input.html"
    error_parts_attr = "govuk_error_parts"

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
        widgets = {
            "day": forms.TextInput(attrs={**numeric, "class": "govuk-input--width-2"}),
            "month": forms.TextInput(attrs={**numeric, "class": "govuk-input--width-2"}),
            "year": forms.TextInput(attrs={**numeric, "class": "govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = set(attrs.pop(self.error_parts_attr, ()))
        # The fieldset carries aria-invalid and the description; the boxes
        # each get their own error state below.
        attrs.pop("aria-invalid", None)
        context = super().get_context(name, value, attrs)
        group_id = context["widget"]["attrs"].get("id")
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = subwidget["attrs"]
            classes = ["govuk-input", "govuk-date-input__input", sub_attrs.get("class", "")]
            if part in error_parts:
                classes.append("govuk-input--error")
                sub_attrs["aria-invalid"] = "true"
            sub_attrs["class"] = " ".join(c for c in classes if c)
            if group_id:
                sub_attrs["id"] = f"{group_id}_{part}"
            subwidget["part"] = part
            subwidget["part_label"] = part.capitalize()
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""


# Format characters real text needs: zero-width non-joiner and joiner (Persian, Indic scripts, emoji),
# the soft hyphen, and the tag characters of flag emoji such as Wales's and Scotland's.
_JOINERS = {"\u200c", "\u200d", "\u00ad"}
_EMOJI_TAGS = range(0xE0020, 0xE0080)
# In longer text (a textarea): tabs, and the left-to-right and right-to-left marks mixed scripts need.
# Never the overrides and isolates that reorder what a reader sees.
_MULTILINE_ALLOWED = {"\n", "\t", "\u200e", "\u200f"}
_VISIBLE = ("L", "N", "P", "S")  # letters, numbers, punctuation, symbols
_LINE_BREAKS = {"\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"}


def plain_text(value: str, *, multiline: bool = False) -> tuple[str, str | None]:
    """NFC-normalise what a person typed and say what is wrong with it, if anything.

    Returns ``(text, problem)``: ``problem`` is None, ``"hidden"`` (control or format characters:
    line breaks where there should be none, bidirectional overrides, zero-width spaces…) or
    ``"invisible"`` (nothing a reader would see). A byte-order mark pasted at the start is dropped.
    """
    text = unicodedata.normalize("NFC", value).removeprefix("\ufeff")
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if hidden_character(text, multiline=multiline) is not None:
        return text, "hidden"
    if not any(unicodedata.category(char)[0] in _VISIBLE for char in text):
        return text, "invisible"
    return text, None


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` a reader would not see (or that reorders what they see), or None."""
    allowed = _MULTILINE_ALLOWED if multiline else set()
    for char in text:
        if char in allowed or char in _JOINERS or ord(char) in _EMOJI_TAGS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"):
            return char
    return None


def describe_character(char: str) -> str:
    """How an error message names a hidden character: "a line break", "a tab" or "U+202E (right-to-left override)"."""
    if char in _LINE_BREAKS:
        return "a line break"
    if char == "\t":
        return "a tab"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name.lower()})" if name else f"U+{ord(char):04X}"


class PlainTextField(forms.CharField):
    """Text a person types that other people will read (a name, an organisation, a note).

    NFC-normalised and trimmed; refuses control and format characters (a line break in a name, U+202E
    that reverses it, zero-width spaces) and text with nothing visible in it. ``multiline=True`` allows
    line breaks (normalised to \\n), for textareas.
    """

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)
        self.error_messages.setdefault("hidden", "%(label)s must not include line breaks or hidden characters"
                                       if not multiline else "%(label)s must not include hidden characters")
        self.error_messages.setdefault("invisible", "%(label)s must include letters or numbers")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        text, problem = plain_text(value, multiline=self.multiline)
        if problem:
            label = str(self.label).removesuffix(" (optional)").rstrip("?") if self.label else "This field"
            message = self.error_messages[problem]
            if problem == "hidden":  # say which, so that someone who pasted it can find it
                message += f" (it has {describe_character(hidden_character(text, multiline=self.multiline))})"
            raise ValidationError(message, code=problem, params={"label": label})
        return text.strip()


def date_parts_problem(values: Sequence[str | None]) -> tuple[str | None, tuple[str, ...]]:
    """Find what is wrong with a day, month and year as typed.

    Returns ``(problem, parts)``: ``problem`` is ``None`` (nothing wrong),
    ``"required"`` (nothing typed), ``"incomplete"``, ``"year_digits"`` or
    ``"invalid"``; ``parts`` names the boxes to highlight.
    """
    typed = dict(zip(DATE_PARTS, ((v or "").strip() for v in values), strict=True))
    missing = tuple(part for part in DATE_PARTS if not typed[part])
    if len(missing) == len(DATE_PARTS):
        return "required", DATE_PARTS
    if missing:
        return "incomplete", missing
    not_numbers = tuple(part for part in DATE_PARTS if not typed[part].isdecimal())
    if not_numbers:
        return "invalid", not_numbers
    if len(typed["year"]) != 4:
        return "year_digits", ("year",)
    day, month, year = (int(typed[part]) for part in DATE_PARTS)
    wrong = tuple(part for part, ok in (("day", 1 <= day <= 31), ("month", 1 <= month <= 12)) if not ok)
    if wrong:
        return "invalid", wrong
    try:
        dt.date(year, month, day)
    except ValueError:
        # Each box is plausible, the date is not (30 February): all of it.
        return "invalid", DATE_PARTS
    return None, ()


def _join_parts(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return " and ".join([", ".join(parts[:-1]), parts[-1]])


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK error messages.

    Messages name the field by its label, as the GOV.UK pattern asks:
    "Pause until must be a real date", "Pause until must include a month".
    Override any of them with ``error_messages`` (keys: required,
    incomplete, invalid, year_digits, min_value, max_value); they may use
    ``%(label)s``, ``%(parts)s`` and ``%(limit)s``.
    """

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter %(label_lower)s",
        "incomplete": "%(label)s must include a %(parts)s",
        "invalid": "%(label)s must be a real date",
        "year_digits": "%(label)s year must include 4 numbers",
        "min_value": "%(label)s must be the same as or after %(limit)s",
        "max_value": "%(label)s must be the same as or before %(limit)s",
    }

    def __init__(self, *, min_value: dt.date | None = None, max_value: dt.date | None = None, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def _label(self) -> str:
        return str(self.label) if self.label else "Date"

    def _error(self, code: str, **params) -> ValidationError:
        label = self._label()
        params = {"label": label, "label_lower": label[:1].lower() + label[1:], **params}
        return ValidationError(self.error_messages[code], code=code, params=params)

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, (list, tuple)):
            return None
        problem, parts = date_parts_problem(value)
        if problem == "required":
            return None
        if problem == "incomplete":
            raise self._error("incomplete", parts=_join_parts(parts))
        if problem is not None:
            raise self._error(problem)
        day, month, year = (int(v) for v in value)
        return dt.date(year, month, day)

    def validate(self, value):
        if value is None and self.required:
            raise self._error("required")
        if value is None:
            return
        if self.min_value and value < self.min_value:
            raise self._error("min_value", limit=_long_date(self.min_value))
        if self.max_value and value > self.max_value:
            raise self._error("max_value", limit=_long_date(self.max_value))

    def error_parts(self, value) -> tuple[str, ...]:
        """The boxes to highlight for the value as posted: only the wrong
        part when one part is wrong, otherwise the whole date (GOV.UK)."""
        if isinstance(value, (list, tuple)):
            problem, parts = date_parts_problem(value)
            if problem is not None:
                return parts
        return DATE_PARTS


def _long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


class GovukRadioSelect(forms.RadioSelect):
    """Radios whose options can reveal follow-up questions (GOV.UK conditional reveal).

    A form names them in ``conditionals = {"met": {"yes": ["minutes", …], "no": [...]}}``; the renderer
    places those fields under their option, in a ``govuk-radios__conditional`` block that GOV.UK Frontend's
    script hides until the option is chosen. Without JavaScript every follow-up question is shown.
    """

    def __init__(self, attrs=None, choices=(), *, reveals=()):
        super().__init__(attrs, choices)
        self.reveals = {str(value) for value in reveals}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.reveals and option["attrs"].get("id"):
            option["attrs"]["data-aria-controls"] = f"conditional-{option['attrs']['id']}"
        return option


def _revealed_fields(form) -> set[str]:
    return {name for options in getattr(form, "conditionals", {}).values() for names in options.values() for name in names}


class GovukBoundField(BoundField):
    """A BoundField that knows the GOV.UK classes, ids and template for its widget."""

    @property
    def template_name(self):
        if self.field.template_name:
            return self.field.template_name
        widget = self.field.widget
        if isinstance(widget, GovukDateInput):
            return "govuk/forms/fields/date.html"
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "govuk/forms/fields/checkboxes.html"
        if isinstance(widget, forms.RadioSelect):
            return "govuk/forms/fields/radios.html"
        if isinstance(widget, forms.CheckboxInput):
            return "govuk/forms/fields/checkbox.html"
        if isinstance(widget, forms.Textarea):
            return "govuk/forms/fields/textarea.html"
        if isinstance(widget, forms.Select):
            return "govuk/forms/fields/select.html"
        if widget.is_hidden:
            return "govuk/forms/fields/hidden.html"
        return self.form.renderer.field_template_name

    @property
    def options_revealing(self):
        """Each radio option with the follow-up fields it reveals (see GovukRadioSelect)."""
        reveals = getattr(self.form, "conditionals", {}).get(self.name, {})
        return [(option, [self.form[name] for name in reveals.get(str(option.data["value"]), ())]) for option in self]

    def as_field_group(self):
        """The field's GOV.UK form group; for a field its form lists in ``keep_fields``, made once per value
        and kept (see ``_kept_field_key``)."""
        key = self._kept_field_key()
        if key is not None and (html := cache.get(key)) is not None:
            return mark_safe(html)  # noqa: S308 (our own markup, as this renderer made it)
        html = super().as_field_group()
        if key is not None:
            cache.set(key, str(html), KEPT_FORM_SECONDS)
        return html

    def _kept_field_key(self) -> str | None:
        """A cache key for this field's markup, or None when it must be made afresh.

        Forms opt fields in with ``keep_fields``: fields with fixed choices whose markup depends only on the
        value chosen (no follow-up questions revealed, not the page's heading). It is kept only without an
        error and with a value among its choices, so the cache holds one copy per option, never anyone's
        words, and two forms share a copy only if they would make the same markup.
        """
        if (self.name not in getattr(self.form, "keep_fields", ()) or self.errors or self.field.disabled
                or self.name in getattr(self.form, "conditionals", {}) or self.is_page_heading):
            return None  # its markup would hold follow-up answers (someone's words), or vary with the page
        choices = {str(value) for value, _label in getattr(self.field, "choices", ())}
        value = self.value()
        if value not in (None, "") and str(value) not in choices:
            return None
        return _kept_key("field", self.form, self.name, "" if value is None else str(value))

    # --- ids ---------------------------------------------------------------
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    @property
    def character_count_id(self) -> str:
        # govuk-frontend's character count script looks for "<textarea id>-info".
        return f"{self.auto_id}-info"

    @property
    def max_length(self) -> int | None:
        """The limit a textarea's character count shows, if the field has one."""
        if isinstance(self.field.widget, forms.Textarea):
            return getattr(self.field, "max_length", None)
        return None

    @property
    def aria_describedby(self):
        describedby = super().aria_describedby
        if describedby is None or not self.max_length:
            return describedby
        return " ".join(filter(None, [describedby, self.character_count_id]))

    @property
    def error_target_id(self) -> str:
        """The id an error summary link should point at: the first box to fix."""
        widget = self.field.widget
        if isinstance(widget, GovukDateInput):
            parts = self.field.error_parts(self.data) if self.form.is_bound else DATE_PARTS
            return f"{self.auto_id}_{parts[0]}"
        if isinstance(widget, forms.RadioSelect) and self.subwidgets:
            return self.subwidgets[0].id_for_label
        return self.id_for_label or self.auto_id

    # --- headings and labels -------------------------------------------------
    @property
    def is_page_heading(self) -> bool:
        return getattr(self.form, "page_heading_field", None) == self.name

    @property
    def heading_size(self) -> str:
        size = getattr(self.form, "page_heading_size", "l")
        if size not in _HEADING_SIZES:
            raise ValueError(f"page_heading_size must be one of {_HEADING_SIZES}, not {size!r}")
        return size

    @property
    def label_classes(self) -> str:
        if self.is_page_heading:
            return f"govuk-label govuk-label--{self.heading_size}"
        return "govuk-label"

    @property
    def legend_classes(self) -> str:
        size = self.heading_size if self.is_page_heading else "m"
        return f"govuk-fieldset__legend govuk-fieldset__legend--{size}"

    # --- the widget ------------------------------------------------------------
    def _govuk_classes(self, widget) -> list[str]:
        error = bool(self.errors)
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            return ["govuk-checkboxes__input"]
        if isinstance(widget, forms.RadioSelect):
            return ["govuk-radios__input"]
        if isinstance(widget, forms.Textarea):
            classes = ["govuk-textarea"] + (["govuk-textarea--error"] if error else [])
            if self.max_length:
                classes.append("govuk-js-character-count")
            return classes
        if isinstance(widget, forms.Select):
            return ["govuk-select"] + (["govuk-select--error"] if error else [])
        if isinstance(widget, forms.FileInput):
            return ["govuk-file-upload"] + (["govuk-file-upload--error"] if error else [])
        if isinstance(widget, Input) and not widget.is_hidden:
            return ["govuk-input"] + (["govuk-input--error"] if error else [])
        return []

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("required", None)
        if isinstance(widget, GovukDateInput):
            if self.errors:
                attrs[GovukDateInput.error_parts_attr] = self.field.error_parts(self.data)
            return attrs
        if classes := self._govuk_classes(widget):
            extra = [widget.attrs.get("class", ""), attrs.get("class", "")]
            attrs["class"] = " ".join(c for c in [*classes, *extra] if c)
        if self.max_length:
            # GOV.UK's character count lets people type past the limit and
            # then says by how much, instead of silently cutting them off.
            attrs["maxlength"] = False
        if isinstance(widget, forms.EmailInput):
            attrs.setdefault("spellcheck", "false")
        return attrs


def _form_sections(form, fields):
    """Group a form's visible fields by its optional ``fieldsets`` attribute.

    A fieldset appears where its first field would have been; fields in no
    fieldset keep their own place, each in an untitled section.
    """
    legend_of = {name: legend for legend, names in getattr(form, "fieldsets", None) or () for name in names}
    revealed = _revealed_fields(form)  # shown under the radio option that reveals them, not here
    sections, open_sections = [], {}
    for bound, _errors in fields:
        if bound.name in revealed:
            continue
        legend = legend_of.get(bound.name)
        if legend is None:
            sections.append({"legend": None, "fields": [bound]})
        elif legend in open_sections:
            open_sections[legend]["fields"].append(bound)
        else:
            open_sections[legend] = {"legend": legend, "fields": [bound]}
            sections.append(open_sections[legend])
    return sections


class GovukFormRenderer(DjangoTemplates):
    """Django's template-based form renderer, with GOV.UK Frontend templates.

    It loads the ``govuk/forms/`` templates from this app, and Django's own
    widget templates, from its own engine (so ``django.forms`` need not be in
    ``INSTALLED_APPS``).
    """

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        form = context.get("form")
        if template_name != self.form_template_name or form is None or "fields" not in context:
            return super().render(template_name, context, request=request)
        may_vary = getattr(form, "keep_rendered", None)
        kept = (may_vary is not None and not form.is_bound
                and all(name in may_vary for name, value in form.initial.items() if value not in (None, "")))
        if kept and (html := cache.get(key := _kept_form_key(form))) is not None:
            return mark_safe(html)  # noqa: S308 (our own markup, as this renderer made it)
        html = super().render(template_name, {**context, "sections": _form_sections(form, context["fields"])},
                              request=request)
        if kept:
            cache.set(key, str(html), KEPT_FORM_SECONDS)
        return html


KEPT_FORM_SECONDS = 60 * 60


def _kept_form_key(form) -> str:
    """A kept form's cache key: its class, prefix and ids, and every initial value, so two people see the
    same copy only if they would see the same markup."""
    initial = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items()}
    return _kept_key("form", form, sorted(initial.items()))


def _kept_key(kind: str, form, *what) -> str:
    """A cache key for kept markup: the form's class, prefix and ids, and ``what`` the markup depends on."""
    text = repr((type(form).__module__, type(form).__qualname__, form.prefix, form.auto_id, *what))
    return f"{kind}:" + hashlib.sha256(text.encode()).hexdigest()
