"""One module per command of the command line (see ``pegaso_tui.cli``)."""
