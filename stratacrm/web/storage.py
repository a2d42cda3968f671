"""Static files as `strata serve` collects them: hashed names, and a gzip copy of each text file.

WhiteNoise also writes a Brotli copy whenever the `brotli` package happens to be installed (a development
tool pulls it in); at Brotli's default quality that took minutes of every server start for the 4.8 MB
plotly.min.js on two busy cores. gzip alone keeps a start at seconds and the site the same everywhere.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, writing gzip copies only."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
