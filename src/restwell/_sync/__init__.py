# GENERATED from src/restwell/_async/__init__.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
