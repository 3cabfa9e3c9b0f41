# GENERATED from src/restwell/_async/__init__.py by scripts/unasync.py: do not edit; edit the source and re-run.
