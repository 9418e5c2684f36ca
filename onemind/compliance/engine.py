"""Moved: the compliance engine is the ``onemind.engine`` package. Kept so older imports keep working."""

from onemind.engine import *  # noqa: F403
from onemind.engine import __all__  # noqa: F401
