"""`python -m evaluation.report`: see evaluation/report/cli.py."""

import sys

from evaluation.report.cli import main

sys.exit(main())
