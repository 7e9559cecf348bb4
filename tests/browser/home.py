"""Where a login lands: the home page, the site's root (settings.LOGIN_REDIRECT_URL)."""

import re

HOME = re.compile(r"^https?://[^/]+/$")
