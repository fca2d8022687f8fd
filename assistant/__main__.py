"""`python -m assistant <arguments>` is `rasa <arguments>` with assistant.runtime applied first.

`make run`, `make serve`, the tests' servers and the Rasa image start Rasa this way; a plain
`rasa` command works too, only without those changes (without the web server's limits, and without
the refusal to listen beyond loopback with the HTTP API or the REST channel open: `runtime.doors`).
"""

import os
import sys


def main() -> None:
    from assistant import runtime

    try:
        argv = runtime.doors(os.environ, ["rasa", *sys.argv[1:]])
    except runtime.RefusedToStart as refusal:
        print(refusal, file=sys.stderr)
        sys.exit(2)

    from rasa.__main__ import main as rasa_main

    runtime.apply()
    sys.argv = runtime.server_limits(os.environ, argv)
    rasa_main()


if __name__ == "__main__":
    main()
