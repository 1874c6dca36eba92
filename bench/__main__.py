"""Run the benchmark: `python -m bench [--quick] [--output PATH]`."""

import sys

from bench.run import main

sys.exit(main())
