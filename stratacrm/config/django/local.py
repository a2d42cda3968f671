"""Settings for the demo and development: SQLite under ./var unless STRATA_DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("STRATA_DEBUG", True)
