"""`python -m bot` is the same as the `onrecord` command."""

from bot.cli import main

raise SystemExit(main())
