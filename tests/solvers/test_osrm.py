"""Travel times from an OSRM-compatible server, tested against a stand-in speaking its /table
API: blocks within the table size, unroutable pairs and modes without a server fall back to
the straight-line estimate, failures say which server."""

from __future__ import annotations

import numpy as np
import pytest

from sanctuary.solvers.osrm import OsrmTravelTimes, RoutingFailed, parse_servers
from sanctuary.solvers.travel import Mode, StraightLineTravelTimes, haversine_km
from tests.solvers.osrm_stand_in import osrm_stand_in

PLACES = np.array([[51.5178, -0.0648], [51.53, -0.02], [51.549, -0.075], [51.51, -0.03],
                   [51.52, -0.05]])


def test_the_table_comes_from_the_server_in_blocks_rounded_up_to_the_second():
    with osrm_stand_in(metres_per_second=2.0) as (url, requests):
        travel = OsrmTravelTimes({Mode.CAR: url}, block=2)
        seconds = travel.matrix(Mode.CAR, PLACES, PLACES)
    expected = np.ceil(np.round(haversine_km(PLACES, PLACES) * 1000 / 2.0, 1) - 1e-9)
    assert np.array_equal(seconds, expected.astype(np.int64))
    assert len(requests) == 9  # 3 blocks of sources x 3 of destinations
    assert all(r.startswith("/table/v1/driving/") for r in requests)


def test_an_unroutable_pair_and_a_mode_without_a_server_keep_the_straight_line_estimate():
    estimate = StraightLineTravelTimes()
    with osrm_stand_in(unroutable=(0, 2)) as (url, requests):
        travel = OsrmTravelTimes({Mode.CAR: url})
        seconds = travel.matrix(Mode.CAR, PLACES, PLACES)
        on_foot = travel.matrix(Mode.FOOT, PLACES, PLACES)
    assert seconds[0, 2] == estimate.matrix(Mode.CAR, PLACES, PLACES)[0, 2]
    assert seconds[2, 0] != seconds[0, 2]
    assert np.array_equal(on_foot, estimate.matrix(Mode.FOOT, PLACES, PLACES))
    assert len(requests) == 1


def test_a_refusal_or_a_dead_server_is_named():
    refusal = {"code": "TooBig", "message": "Too many table coordinates"}
    with (
        osrm_stand_in(answer=refusal) as (url, _),
        pytest.raises(RoutingFailed, match="refused: Too many table coordinates"),
    ):
        OsrmTravelTimes({Mode.CAR: url}).matrix(Mode.CAR, PLACES, PLACES)
    with pytest.raises(RoutingFailed, match=r"routing server http://127.0.0.1:9 \(car\)"):
        OsrmTravelTimes({Mode.CAR: "http://127.0.0.1:9"}, timeout=2).matrix(Mode.CAR, PLACES, PLACES)


def test_servers_are_configured_by_mode():
    assert parse_servers("car=http://a:5000/, foot=https://b") == {
        Mode.CAR: "http://a:5000", Mode.FOOT: "https://b"}
    assert parse_servers("") == {}
    with pytest.raises(ValueError, match="mode=URL"):
        parse_servers("boat=http://x")
