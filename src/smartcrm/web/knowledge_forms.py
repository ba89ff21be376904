"""Forms of the help-center pages: the article editor, the list filter and the import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.knowledge.models import ArticleStatus, Language

ANY = ""


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    language = forms.ChoiceField(required=False, choices=[(ANY, _("Any language")), *Language.choices])
    status = forms.ChoiceField(required=False, choices=[(ANY, _("Any status")), *ArticleStatus.choices])


class ArticleForm(forms.Form):
    key = forms.CharField(
        max_length=100,
        help_text=_("Lower-case words joined by hyphens; translations share it (e.g. returns)"),
    )
    language = forms.ChoiceField(choices=Language.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}), max_length=100_000, help_text=_("Markdown")
    )
    tags = forms.CharField(required=False, max_length=500, help_text=_("Comma-separated"))
    status = forms.ChoiceField(choices=ArticleStatus.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): cleans to a list of files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".md,.markdown,.html,.htm,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ArticleImportForm(forms.Form):
    uploads = MultipleFileField(
        help_text=_("Markdown or HTML pages, or a FAQ CSV (question, answer, language)")
    )
    status = forms.ChoiceField(
        choices=[
            (ArticleStatus.PUBLISHED, _("Publish them")),
            (ArticleStatus.DRAFT, _("Keep them as drafts")),
        ],
        help_text=_("For files that do not say in their front matter"),
    )


class IntentForm(forms.Form):
    name = forms.CharField(
        max_length=30, help_text=_("Lower-case words joined by dashes, e.g. gift-wrapping")
    )
    language = forms.ChoiceField(choices=Language.choices)
    phrases = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=60_000,
        help_text=_("One training phrase per line, written the way customers write (5–20 work well)"),
    )
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=5_000)
    active = forms.BooleanField(required=False, initial=True)

    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phrases"].splitlines() if line.strip()]


class IntentTryForm(forms.Form):
    text = forms.CharField(max_length=500, label=_("Try a message"))
    language = forms.ChoiceField(choices=Language.choices)
