"""A minimal baseline model server: stdlib ``ThreadingHTTPServer`` + XGBoost's public API.

What a learner would write in twenty lines: parse one CSV body, call
``Booster.inplace_predict`` on a numpy row, answer the number. It serves the
same ``POST /invocations`` and ``GET /ping`` as the local endpoint, so the
benchmark loads both with the same requests::

    python benchmarks/baseline_server.py MODEL_FILE PORT

prints ``READY <port>`` once listening and serves until stdin closes or
SIGTERM.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_server(model_file: str, port: int = 0) -> ThreadingHTTPServer:
    import numpy as np
    import xgboost

    booster = xgboost.Booster()
    booster.load_model(model_file)
    booster.set_param({"nthread": 1})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk and boto3 use
        # headers and body go out in separate writes: without TCP_NODELAY, Nagle's
        # algorithm and delayed ACKs add ~40 ms per request, an unfair baseline
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            self._send(200 if self.path == "/ping" else 404, b"\n", "text/plain")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                rows = [[float(v) for v in line.split(b",")] for line in body.strip().split(b"\n")]
                preds = booster.inplace_predict(np.array(rows, dtype=np.float32))
            except Exception as exc:
                self._send(400, str(exc).encode(), "text/plain")
                return
            self._send(200, ("\n".join(repr(float(p)) for p in preds) + "\n").encode(), "text/csv")

        def _send(self, status, body, ctype):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, client_address: None  # wrk closing connections is not news
    return server


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    server = make_server(argv[0], int(argv[1]) if len(argv) > 1 else 0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        sys.stdin.read()  # the benchmark closes our stdin to stop us
    except KeyboardInterrupt:
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
