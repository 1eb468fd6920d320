"""``python -m coverage_app.cli``."""

from coverage_app.cli import main

main()
