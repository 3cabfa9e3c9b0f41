"""
The ``restwell`` command line: ``restwell get URL``, ``restwell demo`` and friends.

It needs the ``cli`` extra (click and rich): ``pip install 'restwell[cli]'``. Both
are imported only when the command runs, so ``import restwell.cli`` works, and costs
nothing, without them.

Exit codes:
    0: a 1xx, 2xx or 3xx response (or ``demo``: every scenario behaved).
    1: a final 4xx or 5xx response (or ``demo``: a scenario misbehaved).
    2: a usage error: bad option, bad URL, or the ``cli`` extra missing.
    3: no response: transport error, deadline exceeded, too many redirects; or
       the body broke off while being written (the output is incomplete).

.. versionadded:: 0.1
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_MISSING_EXTRA = 2  # usage error: the command cannot run as installed


def main(argv: Sequence[str] | None = None) -> None:
    """
    Run the ``restwell`` command; the ``restwell`` console script calls this.

    Args:
        argv: Arguments after the program name. Default ``sys.argv[1:]``.

    Raises:
        SystemExit: Always, carrying the exit code listed in the module docstring;
            2 with ``pip install 'restwell[cli]'`` advice if click or rich is missing.
    """
    try:
        import click  # noqa: F401 - probed here so the advice names the extra
        import rich  # noqa: F401
    except ImportError as exc:
        print(
            f"restwell: the command line needs the 'cli' extra ({exc.name} is not "
            "installed): pip install 'restwell[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(_MISSING_EXTRA) from None
    from ._main import cli

    cli.main(
        args=list(argv) if argv is not None else None,
        prog_name="restwell",
        standalone_mode=True,
    )
