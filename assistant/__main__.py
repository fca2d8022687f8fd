"""`python -m assistant <arguments>` is `rasa <arguments>` with assistant.runtime applied first.

`make run`, `make serve`, the tests' servers and the Rasa image start Rasa this way; a plain
`rasa` command works too, only without those changes (and without the web server's limits).
"""

import os
import sys


def main() -> None:
    from rasa.__main__ import main as rasa_main

    from assistant import runtime

    runtime.apply()
    sys.argv = runtime.server_limits(os.environ, ["rasa", *sys.argv[1:]])
    rasa_main()


if __name__ == "__main__":
    main()
