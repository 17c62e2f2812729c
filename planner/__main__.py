"""``python -m planner`` runs the command line."""

try:
    from planner.entry import main
except KeyboardInterrupt:  # Ctrl-C while the entry point itself loads: the same one line
    import sys

    sys.stderr.write("error: interrupted\n")
    raise SystemExit(130) from None

main()
