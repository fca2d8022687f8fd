import sys

from evaluation.e2e.run import main

sys.exit(main())
