"""The allocation of a round in the workspace (docs/fund-decisions.md, 1–2): the round's rows
adapted to the solver core (`solvers/allocation.py`), run by the worker (fund/tasks.py).

One application is one "site" of the multiple-choice knapsack, its packages its choices (cost:
what the package asks of the fund, the quotes less the applicant's contribution; benefit: the
risk it removes, `fund/benefit.py`, or the moderated score), its groups "faith:<faith>" and
"area:<area id>" for the side rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from sanctuary.access.actor import Actor
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.fund import awards_policy as policy
from sanctuary.fund import benefit as benefits
from sanctuary.fund.models import (
    Allocation,
    AllocationMethod,
    AllocationStatus,
    Application,
    Round,
    RoundStatus,
)
from sanctuary.solvers import allocation as core
from sanctuary.solvers.validation import InvalidInput

# --- the problem ---------------------------------------------------------------------------------


def groups_of(application: Application) -> tuple[str, ...]:
    return (f"faith:{application.site.faith}", f"area:{application.site.area_id}")


def read_rules(round_: Round) -> core.Rules:
    """The round's side rules, refused naming the field when malformed."""
    data = round_.allocation_rules or {}
    if not isinstance(data, dict):
        raise ValidationError({"allocation_rules": "must be an object"})
    unknown = set(data) - {"min_share", "max_per_group"}
    if unknown:
        raise ValidationError({"allocation_rules": f"unknown keys {sorted(unknown)}"})
    min_share, max_per_group = data.get("min_share", {}), data.get("max_per_group", {})
    for name, rule, upper in (("min_share", min_share, 1), ("max_per_group", max_per_group, None)):
        if not isinstance(rule, dict):
            raise ValidationError({"allocation_rules": f"{name} must map groups to numbers"})
        for group, value in rule.items():
            if not (group.startswith("faith:") or group.startswith("area:")):
                raise ValidationError(
                    {"allocation_rules": f"{name}: group {group!r} is not faith:… or area:…"}
                )
            if not isinstance(value, int | float) or value < 0 or (upper and value > upper):
                raise ValidationError({"allocation_rules": f"{name}.{group}: {value!r} is out of range"})
    return core.Rules(
        min_share={k: float(v) for k, v in min_share.items()},
        max_per_group={k: float(v) for k, v in max_per_group.items()},
    )


@dataclass(frozen=True)
class RoundProblem:
    problem: core.AllocationProblem
    applications: dict[str, Application]  # the problem's site id -> application


def round_problem(round_: Round, *, as_of: date | None = None) -> RoundProblem:
    """The round's allocation problem, the benefits computed and stored on the packages."""
    applications = list(policy.applications_to_allocate(round_))
    risk = benefits.risk_benefits(applications, as_of)
    items = []
    for application in applications:
        packages = []
        for package in application.packages.all():
            measured = risk.get(package.pk)
            if measured is not None:
                package.risk_now, package.risk_after = measured.risk_now, measured.risk_after
            if round_.benefit_source == benefits.SCORE:
                package.benefit = float(application.final_score or 0)
            else:
                package.benefit = measured.removed if measured else 0.0
            package.save(update_fields=["risk_now", "risk_after", "benefit"])
            if package.requested > 0:
                packages.append(
                    core.Package(package.label, float(package.requested), package.benefit)
                )
        if packages:
            items.append(
                core.Application(
                    id=str(application.pk),
                    packages=tuple(packages),
                    groups=groups_of(application),
                    score=application.final_score,
                    submitted_at=application.submitted_at,
                )
            )
    problem = core.AllocationProblem(float(round_.budget), tuple(items), read_rules(round_))
    return RoundProblem(problem, {str(a.pk): a for a in applications})


# --- running it ---------------------------------------------------------------------------------


def _said(error: Exception) -> str:
    """An error in words, naming the field when it has one."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(problems)}" for field, problems in error.message_dict.items())
    return str(error)


def _progress(run: Allocation, percent: int, message: str) -> None:
    Allocation.objects.filter(pk=run.pk).update(
        status=AllocationStatus.RUNNING, progress=percent, message=message[:300]
    )


def _label(application: Application) -> str:
    return f"{application.site.name}"


def perform_allocation(
    actor: Actor, run: Allocation, *, as_of: date | None = None, extra: float = core.DEFAULT_EXTRA
) -> Allocation:
    """The job's work: benefits, the optimal allocation, the two baselines, the explanations and
    what a further £100,000 would fund; saved on the run and its baseline rows."""
    round_ = run.round
    _progress(run, 10, "Computing each package's risk removed")
    try:
        with transaction.atomic():
            built = round_problem(round_, as_of=as_of)
            record(Action.UPDATE, actor=actor, obj=round_,
                   detail={"benefits": round_.benefit_source, "allocation": run.pk})
        problem = built.problem
        _progress(run, 40, "Solving (HiGHS)")
        relaxation = core.relax(problem)
        best = core.allocate(problem, relaxation=relaxation)
    except (InvalidInput, core.NoAllocationFound, ValueError, ValidationError) as error:
        with transaction.atomic():
            Allocation.objects.filter(pk=run.pk).update(
                status=AllocationStatus.FAILED, progress=100,
                message=_said(error)[:300]
            )
            record(Action.UPDATE, actor=actor, obj=run, detail={"failed": str(error)})
        run.refresh_from_db()
        return run
    _progress(run, 70, "Comparing with score-ranked greedy and first come, first served")
    baselines = {
        AllocationMethod.GREEDY: core.greedy_by_score(problem),
        AllocationMethod.FCFS: core.first_come_first_served(problem),
    }
    explanations = core.explain(problem, best, relaxation)
    _progress(run, 85, f"Asking what a further £{extra:,.0f} would fund")
    further = core.marginal(problem, extra, before=best)
    names = {key: _label(app) for key, app in built.applications.items()}
    result = best.to_document() | {
        "benefit_source": round_.benefit_source,
        "budget": problem.budget,
        "rules": {"min_share": dict(problem.rules.min_share),
                  "max_per_group": dict(problem.rules.max_per_group)},
        "group_spend": dict(best.group_spend),
        "prices": {"budget": relaxation.budget_price, "rules": dict(relaxation.rule_prices)},
        "names": names,
        "explanations": [
            {"application": item.site, "site": names.get(item.site, item.site),
             "funded": item.funded, "reason": item.reason.value,
             "best_package": item.best_package, "best_ratio": item.best_ratio,
             "cut_off": item.cut_off, "text": item.text}
            for item in explanations
        ],
        "further": further.to_document(),
    }
    with transaction.atomic():
        Allocation.objects.filter(pk=run.pk).update(
            status=AllocationStatus.DONE, progress=100, result=result,
            message=f"solved in {best.seconds:.2f} s ({best.status.value}), "
            f"{len(best.chosen)} of {len(problem.applications)} applications funded",
            total_cost=Decimal(str(round(best.cost, 2))), total_benefit=best.benefit,
            bound=best.bound, gap=best.gap, shadow_price=relaxation.budget_price,
        )
        for method, baseline in baselines.items():
            Allocation.objects.create(
                round=round_, method=method, run=run, status=AllocationStatus.DONE, progress=100,
                result={"chosen": dict(baseline.chosen), "cost": baseline.cost,
                        "benefit": baseline.benefit, "violations": list(baseline.violations),
                        "group_spend": dict(baseline.group_spend)},
                total_cost=Decimal(str(round(baseline.cost, 2))), total_benefit=baseline.benefit,
            )
        if round_.status not in (RoundStatus.DECIDED, RoundStatus.FINISHED):
            Round.objects.filter(pk=round_.pk).update(status=RoundStatus.ALLOCATED)
        record(Action.UPDATE, actor=actor, obj=run,
               detail={"allocated": True, "cost": best.cost, "benefit": best.benefit})
    run.refresh_from_db()
    return run


