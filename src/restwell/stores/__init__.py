"""
Stores: where the traffic policies keep state shared between processes.

``RedisStore`` keeps a ``RateLimiter``'s and a ``CircuitBreaker``'s state in Redis
(redis-py, ``pip install 'restwell[redis]'``): pass it as ``store=`` to either. Each
decision is one atomic Lua script, one round trip; Redis ``TIME`` is the clock. When
Redis fails or is slow, the policy fails open (default) or closed, within the
call's deadline, with a ``StoreUnavailable`` event and a WARNING log line. See
``docs/redis.md``.

Without a store, each policy keeps its state in memory, in this process.
"""

from .._public import set_public_module
from ._redis import (
    DEFAULT_STORE_TIMEOUT,
    ON_ERROR,
    OnError,
    RedisCircuitStore,
    RedisStore,
    StoreUnavailableError,
)

__all__ = [
    "DEFAULT_STORE_TIMEOUT",
    "ON_ERROR",
    "OnError",
    "RedisCircuitStore",
    "RedisStore",
    "StoreUnavailableError",
]

set_public_module(globals())
