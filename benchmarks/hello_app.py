"""The floor for bench_web.py: a bare FastAPI hello world under the same uvicorn.

Run: .venv/bin/python benchmarks/hello_app.py --port PORT

One route, GET / answering a small JSON object, and nothing else: no middleware, no
templates, no database. It is served the way `crampcoach serve` serves the real app
(cli/serve_cmd.py `_serve_loopback`): `uvicorn.run(app, host, port, log_level="warning",
server_header=False)` in one process, so the same Python, uvicorn, event loop (uvloop
when installed) and HTTP parser (httptools when installed). What a crampcoach page costs
beyond this is crampcoach's own work.

The handler is a plain `def`, as every crampcoach route is, so the floor pays the same
hop to the thread pool that they do.
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
