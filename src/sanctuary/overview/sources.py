"""The domains whose figures the home page, the cross-faith view and the monthly report show, in
the order they show them. Each is the path of a module following the contract of
sanctuary/figures.py (`home`, `by_faith`, `month`, each optional; `TITLE` for its heading).
Adding a domain is a line here: no page or template names a domain.
"""

SOURCES: tuple[str, ...] = (
    "sanctuary.incidents.figures",
    "sanctuary.calendars.figures",
    "sanctuary.patrols.figures",
    "sanctuary.surveys.figures",
    "sanctuary.partnership.figures",
    "sanctuary.alerts.figures",
    "sanctuary.fund.figures",
)
