"""One command-line entry point per stage: `python -m styledistill.cli.<stage> --help`."""
