"""Entry point: ``python -m bot [run|check-config|db upgrade] [--config PATH]``."""

import sys

from bot.cli import main

sys.exit(main())
