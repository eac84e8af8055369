"""The huggingface reader moved to papershelf/sites/huggingface/reader.py (one folder per site); this name stays
for code that imports it from here, and is that very module (so a test or bench that changes
one of its attributes changes the reader)."""

import sys

from ..sites.huggingface import reader as _reader

sys.modules[__name__] = _reader
