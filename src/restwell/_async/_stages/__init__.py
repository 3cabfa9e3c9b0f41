"""
The built-in stages, one module each, outermost first (DESIGN.md's table).

Source of ``_sync/_stages`` (generated). A stage is ``Stage(call_next, env)``, called
as ``await stage(request)``; it reads and writes ``request.context`` (a
``CallContext``) and declares the events it emits in ``EMITS``.
"""

from ._attempt import AttemptStage
from ._body import BodyStage
from ._bulkhead import BulkheadStage
from ._call import CallStage
from ._circuit import CircuitStage
from ._deadline import DeadlineStage
from ._failover import FailoverStage
from ._rate import RateStage
from ._redirects import RedirectStage
from ._retry import RetryStage
from ._timeout import TimeoutStage

__all__ = [
    "AttemptStage",
    "BodyStage",
    "BulkheadStage",
    "CallStage",
    "CircuitStage",
    "DeadlineStage",
    "FailoverStage",
    "RateStage",
    "RedirectStage",
    "RetryStage",
    "TimeoutStage",
]
