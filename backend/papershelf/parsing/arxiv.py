"""The arxiv reader moved to papershelf/sites/arxiv/reader.py (one folder per site); this name stays
for code that imports it from here, and is that very module (so a test or bench that changes
one of its attributes changes the reader)."""

import sys

from ..sites.arxiv import reader as _reader

sys.modules[__name__] = _reader
