"""A round's eligibility rules and caps as data, and the check of an application against them.

Plain Python (no Django): the rules are a JSON object stored on the round (`Round.rules`), read
by `read_rules`, which refuses a malformed one naming the field; `check` answers whether the
facts of one application meet them, with a reason for every rule (docs/fund.md, "Rules").

    {
      "charity": "registered_or_exempt",      # or "registered", or "any"
      "evidence": "hate_crime_or_vulnerability",  # or "hate_crime", "vulnerability", "none"
      "hate_crime_radius_m": 1000,             # incidents this close to the site count ...
      "hate_crime_years": 2,                   # ... if they happened in the last so many years
      "recently_funded_years": 2,              # funded this recently: refused ...
      "recently_funded_very_strong": true,     # ... unless the evidence is very strong
      "very_strong_incidents": 3,              # very strong: this many incidents near ...
      "very_strong_police_letter": true,       # ... and a letter from the police
      "max_measures": 3,                       # per package
      "max_per_site": 56000,                   # pounds asked of the fund, per package
      "contribution": 0.2,                     # the applicant's share of the cost, 0 to 1
      "quotes_required": true                  # every package needs at least one quote
    }

Every key is optional; a missing one takes the default above (`DEFAULTS`), so that a round is
configured by saying only how it differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CHARITY_RULES = ("registered_or_exempt", "registered", "any")
EVIDENCE_RULES = ("hate_crime_or_vulnerability", "hate_crime", "vulnerability", "none")

DEFAULTS: dict[str, Any] = {
    "charity": "registered_or_exempt",
    "evidence": "hate_crime_or_vulnerability",
    "hate_crime_radius_m": 1000,
    "hate_crime_years": 2,
    "recently_funded_years": 2,
    "recently_funded_very_strong": True,
    "very_strong_incidents": 3,
    "very_strong_police_letter": True,
    "max_measures": 3,
    "max_per_site": 56000,
    "contribution": 0.2,
    "quotes_required": True,
}


class RulesError(ValueError):
    """A round's rules that cannot be used, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"rules.{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Rules:
    charity: str = "registered_or_exempt"
    evidence: str = "hate_crime_or_vulnerability"
    hate_crime_radius_m: int = 1000
    hate_crime_years: int = 2
    recently_funded_years: int = 2
    recently_funded_very_strong: bool = True
    very_strong_incidents: int = 3
    very_strong_police_letter: bool = True
    max_measures: int = 3
    max_per_site: Decimal = Decimal(56000)
    contribution: Decimal = Decimal("0.2")
    quotes_required: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "charity": self.charity,
            "evidence": self.evidence,
            "hate_crime_radius_m": self.hate_crime_radius_m,
            "hate_crime_years": self.hate_crime_years,
            "recently_funded_years": self.recently_funded_years,
            "recently_funded_very_strong": self.recently_funded_very_strong,
            "very_strong_incidents": self.very_strong_incidents,
            "very_strong_police_letter": self.very_strong_police_letter,
            "max_measures": self.max_measures,
            "max_per_site": float(self.max_per_site),
            "contribution": float(self.contribution),
            "quotes_required": self.quotes_required,
        }


def _integer(data: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesError(key, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise RulesError(key, f"must be between {low} and {high}, got {value}")
    return value


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        raise RulesError(key, f"must be true or false, got {value!r}")
    return value


def _number(data: Mapping[str, Any], key: str, low: float, high: float) -> Decimal:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RulesError(key, f"must be a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise RulesError(key, f"must be a number, got {value!r}") from None
    if not number.is_finite() or not low <= number <= high:
        raise RulesError(key, f"must be between {low:g} and {high:g}, got {value}")
    return number


def _choice(data: Mapping[str, Any], key: str, choices: Sequence[str]) -> str:
    value = data[key]
    if value not in choices:
        raise RulesError(key, f"must be one of {', '.join(choices)}; got {value!r}")
    return str(value)


def read_rules(data: Any) -> Rules:
    """The rules a round stores, checked: RulesError names the first field that is wrong."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise RulesError("(all)", "the rules must be a JSON object")
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise RulesError(unknown[0], f"is not a rule (known: {', '.join(DEFAULTS)})")
    merged = {**DEFAULTS, **data}
    return Rules(
        charity=_choice(merged, "charity", CHARITY_RULES),
        evidence=_choice(merged, "evidence", EVIDENCE_RULES),
        hate_crime_radius_m=_integer(merged, "hate_crime_radius_m", 50, 50_000),
        hate_crime_years=_integer(merged, "hate_crime_years", 1, 10),
        recently_funded_years=_integer(merged, "recently_funded_years", 0, 20),
        recently_funded_very_strong=_flag(merged, "recently_funded_very_strong"),
        very_strong_incidents=_integer(merged, "very_strong_incidents", 1, 100),
        very_strong_police_letter=_flag(merged, "very_strong_police_letter"),
        max_measures=_integer(merged, "max_measures", 1, 50),
        max_per_site=_number(merged, "max_per_site", 0, 100_000_000),
        contribution=_number(merged, "contribution", 0, 1),
        quotes_required=_flag(merged, "quotes_required"),
    )


# --- the facts of one application -----------------------------------------------------------


@dataclass(frozen=True)
class PackageFacts:
    label: str
    measures: tuple[str, ...]  # measure ids (a measure counted once, whatever its quantity)
    cost: Decimal
    contribution: Decimal
    quotes: int


@dataclass(frozen=True)
class Facts:
    """What the check reads about an application: gathered by the services from the
    workspace (incidents near the site, its survey, earlier awards) and the form."""

    charity_number: str = ""
    charity_exempt: bool = False
    incidents_near: int = 0  # hate incidents within the radius and years of the rules
    vulnerability: bool = False  # a survey's recommendations, or evidence of vulnerability
    police_letter: bool = False
    funded_in_year: int | None = None  # the last year the site was funded by a scheme
    year: int = 2026  # the round's year
    packages: tuple[PackageFacts, ...] = ()
    funded_measures: frozenset[str] = field(default_factory=frozenset)  # the round's


@dataclass(frozen=True)
class Reason:
    rule: str
    ok: bool
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "text": self.text}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...]

    @property
    def failures(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if not reason.ok)

    def as_json(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "reasons": [r.as_json() for r in self.reasons]}


def _pounds(value: Decimal) -> str:
    return f"£{value:,.0f}"


def very_strong(rules: Rules, facts: Facts) -> bool:
    enough = facts.incidents_near >= rules.very_strong_incidents
    return enough and (facts.police_letter or not rules.very_strong_police_letter)


def _charity(rules: Rules, facts: Facts) -> Reason:
    registered = bool(facts.charity_number.strip())
    if rules.charity == "any":
        return Reason("charity", True, "Any organisation may apply to this round.")
    if registered:
        return Reason("charity", True, f"Registered charity {facts.charity_number.strip()}.")
    if rules.charity == "registered_or_exempt" and facts.charity_exempt:
        return Reason("charity", True, "An exempt or excepted charity.")
    needed = "a registered charity number" if rules.charity == "registered" else (
        "a registered charity number, or saying the charity is exempt or excepted"
    )
    return Reason("charity", False, f"This round needs {needed}.")


def _evidence(rules: Rules, facts: Facts) -> Reason:
    near = (
        f"{facts.incidents_near} hate incident{'s' if facts.incidents_near != 1 else ''} within "
        f"{rules.hate_crime_radius_m:,} m in the last {rules.hate_crime_years} years"
    )
    hate = facts.incidents_near > 0
    if rules.evidence == "none":
        return Reason("evidence", True, "This round asks for no evidence of need.")
    if rules.evidence == "hate_crime":
        return Reason("evidence", hate, f"{near}; this round needs at least one.")
    if rules.evidence == "vulnerability":
        if facts.vulnerability:
            return Reason("evidence", True, "The site's vulnerability is evidenced.")
        return Reason(
            "evidence", False,
            "This round needs evidence of vulnerability: a survey's recommendations, photos "
            "or worshippers' accounts.",
        )
    if hate or facts.vulnerability:
        because = near if hate else "the site's vulnerability is evidenced"
        return Reason("evidence", True, because[0].upper() + because[1:] + ".")
    return Reason(
        "evidence", False,
        f"{near}, and no evidence of vulnerability: add a survey, photos, worshippers' accounts "
        "or crime references.",
    )


def _recently_funded(rules: Rules, facts: Facts) -> Reason:
    if facts.funded_in_year is None or rules.recently_funded_years == 0:
        return Reason("recently_funded", True, "Not funded by a scheme recently.")
    since = facts.year - facts.funded_in_year
    if since >= rules.recently_funded_years:
        return Reason("recently_funded", True, f"Last funded in {facts.funded_in_year}.")
    if rules.recently_funded_very_strong and very_strong(rules, facts):
        return Reason(
            "recently_funded", True,
            f"Funded in {facts.funded_in_year}, but the evidence is very strong.",
        )
    letter = " and a letter from the police" if rules.very_strong_police_letter else ""
    unless = (
        f" unless the evidence is very strong ({rules.very_strong_incidents} incidents near{letter})"
        if rules.recently_funded_very_strong else ""
    )
    return Reason(
        "recently_funded", False,
        f"Funded in {facts.funded_in_year}: this round refuses sites funded in the last "
        f"{rules.recently_funded_years} years{unless}.",
    )


def _package(rules: Rules, facts: Facts, package: PackageFacts) -> list[Reason]:
    rule = f"package:{package.label}"
    found: list[Reason] = []
    if not package.measures:
        found.append(Reason(rule, False, f"The {package.label} package has no measures."))
    if len(package.measures) > rules.max_measures:
        found.append(Reason(
            rule, False,
            f"The {package.label} package has {len(package.measures)} measures; at most "
            f"{rules.max_measures}.",
        ))
    unfunded = sorted(set(package.measures) - facts.funded_measures)
    if unfunded:
        found.append(Reason(
            rule, False,
            f"The {package.label} package asks for {', '.join(unfunded)}, which this round "
            "does not fund.",
        ))
    asked = package.cost - package.contribution
    if package.cost <= 0:
        found.append(Reason(rule, False, f"The {package.label} package has no cost."))
    elif asked > rules.max_per_site:
        found.append(Reason(
            rule, False,
            f"The {package.label} package asks for {_pounds(asked)}; at most "
            f"{_pounds(rules.max_per_site)} per site.",
        ))
    needed = (package.cost * rules.contribution).quantize(Decimal("0.01"))
    if package.contribution < needed:
        found.append(Reason(
            rule, False,
            f"The {package.label} package's contribution is {_pounds(package.contribution)}; "
            f"this round needs {rules.contribution:.0%} of the cost, {_pounds(needed)}.",
        ))
    if package.contribution > package.cost:
        found.append(Reason(
            rule, False, f"The {package.label} package's contribution is more than its cost."
        ))
    if rules.quotes_required and package.quotes == 0:
        found.append(Reason(rule, False, f"The {package.label} package needs a quote."))
    if not found:
        found.append(Reason(
            rule, True,
            f"The {package.label} package: {len(package.measures)} measure"
            f"{'s' if len(package.measures) != 1 else ''}, {_pounds(asked)} asked.",
        ))
    return found


def check(rules: Rules, facts: Facts) -> Eligibility:
    """Whether an application meets the round's rules, with a reason for each rule: eligible
    when every reason is met (and at least one package is proposed)."""
    reasons = [_charity(rules, facts), _evidence(rules, facts), _recently_funded(rules, facts)]
    if not facts.packages:
        reasons.append(Reason("packages", False, "Propose at least one package of measures."))
    for package in facts.packages:
        reasons.extend(_package(rules, facts, package))
    return Eligibility(all(reason.ok for reason in reasons), tuple(reasons))
