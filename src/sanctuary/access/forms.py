from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return token


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'rota script'.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    end_tokens_and_feeds = forms.BooleanField(
        label="Also end my API tokens and calendar feeds",
        required=False,
        initial=True,
        help_text="Sessions elsewhere end anyway. Keep this ticked unless you are sure nobody "
        "else has had your password.",
    )
