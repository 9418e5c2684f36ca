"""A tiny keep-alive HTTP load loop (``python -m onemind.devtools.loadgen URL SECONDS THREADS [COOKIE]``).

Prints ``<requests completed> <errors> <seconds>``. Used by ``onemind bench`` when wrk is not installed.
"""

from __future__ import annotations

import http.client
import sys
import threading
import time
from urllib.parse import urlsplit


def run(url: str, seconds: float, threads: int, cookie: str = "") -> tuple[int, int, float]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    done = [0] * threads
    errors = [0] * threads
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
        while time.perf_counter() < stop:
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done), sum(errors), time.perf_counter() - started


if __name__ == "__main__":
    url, seconds, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    cookie = sys.argv[4] if len(sys.argv) > 4 else ""
    count, failed, elapsed = run(url, seconds, threads, cookie)
    print(count, failed, f"{elapsed:.3f}")
