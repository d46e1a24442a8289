"""`python -m fastapi_fusion`: the same as the `fastapi-fusion` command."""

import sys

from fastapi_fusion.cli import main

if __name__ == "__main__":
    sys.exit(main())
