"""``python -m thrifthive``: the same as the ``thrifthive`` command."""

import sys

from thrifthive.cli import main

sys.exit(main())
