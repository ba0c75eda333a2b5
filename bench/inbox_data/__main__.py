"""`python -m bench.inbox_data`: load a benchmark workspace from the command line.

Runs under config.settings (or DJANGO_SETTINGS_MODULE), against whatever database those
settings name; prints one JSON object saying what was made, progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import django
from django.apps import apps

from bench.inbox_data import LoadRefused


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.inbox_data",
        description=(
            "Load a fresh benchmark workspace with N conversations and M messages using COPY. "
            "Agents' password is public (--password): never run this against production data."
        ),
    )
    p.add_argument("--workspace", dest="slug", default="bench", help="slug of the new workspace")
    p.add_argument("--conversations", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--agents", type=int, default=20)
    p.add_argument("--teams", type=int, default=3)
    p.add_argument("--labels", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--password", default="bench-pass")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Load as the arguments say, printing what was made as one JSON object."""
    args = parse_args(argv)  # before Django: --help needs no settings
    if not apps.ready:  # run as a module; bench/inbox.py and the tests have set it up
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
    from bench.inbox_data.load import load_workspace  # imports models: after setup

    try:
        result = load_workspace(**vars(args), log=lambda line: print(line, file=sys.stderr))
    except LoadRefused as error:
        sys.exit(f"error: {error}")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
