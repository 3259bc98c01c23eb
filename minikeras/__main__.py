"""`python -m minikeras`: the command line (see `minikeras.cli`)."""
import sys

from .cli import main

sys.exit(main())
