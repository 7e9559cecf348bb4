"""When a site's own gatherings overlap: a Jumu'ah session running into the Asr jama'ah, two
services at the same hour. Usually a slip in the schedule, and always people counted twice.

A gathering's window opens before its jama'ah or khutbah because people arrive early, so two
sessions held back to back overlap by that margin by design. The check therefore compares each
gathering from when it is held (the jama'ah, the khutbah, the start of anything else) to its
end. Festival gatherings come from the faith's defaults, not from the site's own schedule, and
already replace what they overlap (docs/calendars.md): they are not checked. Nor is a pair of
which neither is the site's own (`Certainty.CONFIRMED`: a listed service, session or event, a
published timetable): two of the engine's own assumptions, such as the default Jumu'ah and a
computed jama'ah, are not the site's mistake to correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sanctuary.calendars.engine import defaults
from sanctuary.calendars.engine.model import Certainty, Gathering, GatheringKind

# How long before it is held a gathering's window opens (the arrival margin).
ARRIVAL_MINUTES: dict[GatheringKind, int] = {
    GatheringKind.PRAYER: defaults.ARRIVE_BEFORE_JAMAAH_MINUTES,
    GatheringKind.JUMUAH: defaults.ARRIVE_BEFORE_KHUTBAH_MINUTES,
}
NOT_CHECKED = frozenset({GatheringKind.FESTIVAL, GatheringKind.EID_PRAYER, GatheringKind.TARAWEEH})


@dataclass(frozen=True)
class Overlap:
    earlier: Gathering  # the one held first
    later: Gathering
    minutes: int  # how long both are held at once

    def __str__(self) -> str:
        """"Jumu'ah (session 2) (14:00) begins during Asr jama'ah (13:51–14:11) on Fri 4 Dec"."""
        later, earlier = self.later, self.earlier
        return (
            f"{later.label} ({held_from(later):%H:%M}) begins during {earlier.label} "
            f"({held_from(earlier):%H:%M}–{earlier.end:%H:%M}) on {held_from(later):%a %-d %b}"
        )


def held_from(gathering: Gathering) -> datetime:
    """When the gathering is held: its window's start plus the arrival margin of its kind."""
    return gathering.start + timedelta(minutes=ARRIVAL_MINUTES.get(gathering.kind, 0))


def overlaps(gatherings: Iterable[Gathering]) -> list[Overlap]:
    """Pairs of one site's gatherings held at the same time for a minute or more, in order of
    the later one's start. One sweep over the gatherings sorted by when they are held."""
    checked = sorted(
        (g for g in gatherings if g.kind not in NOT_CHECKED), key=lambda g: (held_from(g), g.end)
    )
    found: list[Overlap] = []
    still_held: list[Gathering] = []
    for gathering in checked:
        begin = held_from(gathering)
        still_held = [other for other in still_held if other.end > begin]
        for other in still_held:
            if other.site_id != gathering.site_id or Certainty.CONFIRMED not in (
                other.certainty, gathering.certainty
            ):
                continue
            minutes = int((min(other.end, gathering.end) - begin).total_seconds() // 60)
            if minutes >= 1:
                found.append(Overlap(other, gathering, minutes))
        still_held.append(gathering)
    return found
