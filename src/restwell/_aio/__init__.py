"""Async-only code: not under ``_async/``, so not twinned into ``_sync/``."""
