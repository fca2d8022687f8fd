"""The action server: checks the knowledge base, then serves the actions (rasa-sdk).

`python -m actions [--port 5055]` refuses to start on an invalid base and says why.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from core import privacy
from core.loader import InvalidKnowledgeBase
from core.resolver import default_resolver


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m actions", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    args = parser.parse_args()
    privacy.install()  # SMS conversations are named by phone numbers: masked in every log record
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    try:
        resolver = default_resolver()  # load and check once, before accepting requests
    except InvalidKnowledgeBase as error:
        print(f"action server not started: {error}", file=sys.stderr)
        return 2
    logging.getLogger(__name__).info("knowledge base: %d tools", len(resolver.kb.tools))
    from rasa_sdk.endpoint import run

    run("actions.actions", port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
