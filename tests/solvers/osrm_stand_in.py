"""A small stand-in for an OSRM server's /table service: durations are great-circle metres
divided by a speed, and one chosen pair has no route (null). Records every request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np

from sanctuary.solvers.travel import haversine_km


@contextmanager
def osrm_stand_in(metres_per_second: float = 2.0, unroutable: tuple[int, int] | None = None,
                  answer: dict | None = None) -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            requests.append(self.path)
            parsed = urlsplit(self.path)
            parts = parsed.path.split("/")  # '', 'table', 'v1', profile, coordinates
            if answer is not None:
                body = answer
            elif parts[1:3] != ["table", "v1"]:
                body = {"code": "InvalidUrl", "message": "not a table request"}
            else:
                places = np.array([[float(lat), float(lon)] for lon, lat in
                                   (pair.split(",") for pair in parts[4].split(";"))])
                query = parse_qs(parsed.query)
                sources = [int(k) for k in query["sources"][0].split(";")]
                targets = [int(k) for k in query["destinations"][0].split(";")]
                km = haversine_km(places[sources], places[targets])
                durations = (km * 1000 / metres_per_second).round(1).tolist()
                if unroutable is not None:
                    for a, source in enumerate(sources):
                        for b, target in enumerate(targets):
                            if (source, target - len(sources)) == unroutable:
                                durations[a][b] = None
                body = {"code": "Ok", "durations": durations}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
