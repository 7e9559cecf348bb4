"""`sanctuary risk assess` and `sanctuary risk instrument`: the risk model without a database;
`sanctuary risk --json`: every site's risk from the database; `sanctuary report survey SITE_ID`:
a site's survey report as a PDF.

They write JSON (or the PDF) on standard output or to a file; bad input fails with one line on
standard error naming the record and the field. The database commands act as the system
(docs/access.md), and the audit log says so.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sanctuary.cli_support import CommandFailed, read_json, setup_django, write_json


def register(subparsers: argparse._SubParsersAction) -> None:
    risk = subparsers.add_parser(
        "risk",
        help="security survey instrument and site risk; with --json, every site's risk "
        "from the database",
    )
    risk.add_argument(
        "--json",
        action="store_true",
        dest="as_json",
        help="print every site's risk with its three factors (from the database)",
    )
    risk.add_argument("--as-of", help="the day to assess (YYYY-MM-DD; default: today)")
    risk.set_defaults(handler=print_site_risks)
    actions = risk.add_subparsers(dest="risk_command", required=False, metavar="ACTION")
    assess = actions.add_parser(
        "assess",
        help="read one site's survey answers, incidents and gatherings on standard input; "
        "write its risk, drivers, recommendations and Martyn's Law duties",
    )
    assess.set_defaults(handler=assess_site)
    instrument = actions.add_parser("instrument", help="print the survey instrument as JSON")
    instrument.add_argument(
        "--version",
        dest="instrument_version",
        default=None,
        help="a shipped version (default: latest)",
    )
    instrument.set_defaults(handler=print_instrument)



def register_reports(kinds: argparse._SubParsersAction) -> None:
    """Surveys' kind of the shared `report` group (cli.py makes the group once)."""
    survey = kinds.add_parser(
        "survey", help="a site's security survey report: its latest survey (or --survey)"
    )
    survey.add_argument("site_id", type=int, metavar="SITE_ID")
    survey.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    survey.add_argument("--survey", type=int, help="a survey of the site, by id (default: latest)")
    survey.set_defaults(handler=write_survey_report)


def assess_site(args: argparse.Namespace) -> int:
    from sanctuary.solvers.validation import InvalidInput
    from sanctuary.surveys.risk.document import assess_document

    document = read_json()
    try:
        answer = assess_document(document)
    except InvalidInput as error:
        raise CommandFailed(str(error)) from None
    write_json(answer)
    return 0


def print_instrument(args: argparse.Namespace) -> int:
    from sanctuary.surveys.instrument import UnknownVersion, latest_instrument, load_instrument

    try:
        instrument = (
            load_instrument(args.instrument_version)
            if args.instrument_version
            else latest_instrument()
        )
    except UnknownVersion as error:
        raise CommandFailed(str(error)) from None
    write_json(instrument.as_json())
    return 0


def print_site_risks(args: argparse.Namespace) -> int:
    if not args.as_json:
        raise CommandFailed("say what to do: --json, assess or instrument (see --help)")
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise CommandFailed(f"--as-of: {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    setup_django()
    from sanctuary.access.actor import Actor
    from sanctuary.surveys import assess, policy, register, services

    actor = Actor.system("command line")
    sites = list(policy.risk_sites(actor).select_related("area").order_by("name", "pk"))
    found = assess.assess(sites, as_of, with_previous=True)
    services.record_export(actor, len(found), "sanctuary risk --json")
    rows = register.sort([register.RegisterRow(a.site, a) for a in found], "-score")
    write_json(
        {
            "as_of": (as_of or assess.today()).isoformat(),
            "national_threat_level": assess.national_level(as_of).value,
            "sites": [
                {
                    "site": row.site.pk,
                    "name": row.site.name,
                    "area": row.site.area.code,
                    "ward": row.site.ward,
                    "faith": row.site.faith,
                    "score": row.score,
                    "level": row.level_value,
                    "threat": row.assessment.risk.threat.value,
                    "vulnerability": row.assessment.risk.vulnerability.value,
                    "consequence": row.assessment.risk.consequence.value,
                    "peak_people": row.assessment.risk.consequence.people,
                    "surveyed_on": row.surveyed_on.isoformat() if row.surveyed_on else None,
                    "change_since_previous": row.change,
                    "drivers": [
                        {"kind": d.kind.value, "label": d.label, "points": d.points}
                        for d in row.assessment.risk.top_drivers()
                    ],
                    "low_confidence": list(row.assessment.risk.low_confidence),
                }
                for row in rows
            ],
        }
    )
    return 0


def write_survey_report(args: argparse.Namespace) -> int:
    setup_django()
    from django.db.models import F

    from sanctuary.access.actor import Actor
    from sanctuary.access.policy import NotFound
    from sanctuary.surveys import policy, report

    actor = Actor.system("command line")
    try:
        site = policy.get_answer_site(actor, args.site_id)
    except NotFound:
        raise CommandFailed(f"no site with id {args.site_id}") from None
    surveys = policy.visible_surveys(actor).filter(site=site)
    if args.survey is not None:
        surveys = surveys.filter(pk=args.survey)
    survey = surveys.order_by(
        F("completed_at").desc(nulls_last=True), "-created_at", "-id"
    ).first()
    if survey is None:
        which = f"survey {args.survey} of " if args.survey is not None else "survey of "
        raise CommandFailed(f"no {which}site {args.site_id} ({site.name})")
    pdf = report.survey_pdf(actor, survey)
    try:
        args.out.write_bytes(pdf)
    except OSError as error:
        raise CommandFailed(f"cannot write {args.out}: {error.strerror}") from None
    print(f"Wrote the report of {survey} ({len(pdf):,} bytes) to {args.out}.")
    return 0
