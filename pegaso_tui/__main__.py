"""``python -m pegaso_tui``: the same as the ``pegaso-tui`` command."""

from pegaso_tui.cli import main

raise SystemExit(main())
