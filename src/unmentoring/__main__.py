import sys

from unmentoring.cli import main

sys.exit(main())
