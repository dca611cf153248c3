"""``python -m govsim.reporting RESULTS_DIR -o FILE`` (what ``govsim report`` runs)."""

import sys

from .cli import main

sys.exit(main())
