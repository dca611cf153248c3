"""``python -m govsim.reporting RESULTS_DIR -o FILE`` (what ``govsim report`` runs)."""

import sys

from .page import main

sys.exit(main())
