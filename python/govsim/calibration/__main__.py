"""``python -m govsim.calibration targets|calibrate ...`` (``govsim`` execs it)."""

import sys

from .cli import main

sys.exit(main())
