from django.apps import AppConfig
from django.core import checks


class AccessConfig(AppConfig):
    name = "sanctuary.access"
    label = "access"
    verbose_name = "People and access"

    def ready(self) -> None:
        from sanctuary.access.checks import (
            check_no_demo_accounts,
            check_production_settings,
            check_public_url,
        )

        # The production refusals (ids sanctuary.E001-E007), for `sanctuary check --deploy`.
        checks.register(check_production_settings, checks.Tags.security, deploy=True)
        checks.register(
            check_no_demo_accounts, checks.Tags.security, checks.Tags.database, deploy=True
        )
        # A warning (W001): links in mail sent outside a request need SANCTUARY_PUBLIC_URL.
        checks.register(check_public_url, deploy=True)
