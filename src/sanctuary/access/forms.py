from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import BaseUserCreationForm

from sanctuary.access.models import Membership, User


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


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]


class NewPersonForm(BaseUserCreationForm):
    """A new account with its first password, checked by the password validators."""

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role"]


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    end_tokens_and_feeds = forms.BooleanField(
        label="Also end my API tokens and calendar feeds",
        required=False,
        initial=True,
        help_text="Sessions elsewhere end anyway. Keep this ticked unless you are sure nobody "
        "else has had your password.",
    )
