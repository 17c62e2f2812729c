"""``python -m planner`` runs the command line."""

from planner.entry import main

main()
