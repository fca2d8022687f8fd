"""`python -m assistant <arguments>` is `rasa <arguments>` with assistant.runtime applied first.

`make run`, `make serve`, the tests' servers and the Rasa image start Rasa this way; a plain
`rasa` command works too, only without those changes.
"""

import sys


def main() -> None:
    from rasa.__main__ import main as rasa_main

    from assistant import runtime

    runtime.apply()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
