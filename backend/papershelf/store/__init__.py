"""The library: TinyDB as the store of record, a journal and atomic snapshots for durability.

Why not TinyDB's own JSONStorage: it rewrites the whole file on every write (40 MB at 20,000
papers) and a crash mid-write leaves half a file.  Here TinyDB keeps the tables in memory
(``MemoryStorage`` over a ``DocStore``: a stub per paper in memory, the documents read from
the snapshot on demand) and answers lookups; every mutation is first appended to a journal (one
JSON line per batch, fsync'ed before we answer), then applied in memory, then to the search
index.  When the journal grows, a snapshot is written atomically in the background.  Start-up
loads the snapshot, replays the journal and catches the index up.

    journal.py   the durable log: write lock, journal, snapshots, loading them back
    snapshots.py writing a snapshot (unchanged papers copied, not serialised) and reading it
                 back through its derived keys file
    docs.py      the papers as TinyDB sees them: small stubs in memory, documents on disk
    tables.py    the TinyDB table and the key / DOI / title indexes
    merge.py     merging a batch of incoming papers with the library
    index.py     the search index: a derived SQLite FTS5 file for searches, sorted pages, tags, stats
    indexer.py   bringing the index along in a thread of its own (a capture does not wait for SQLite),
                 and building it again there (the library answers meanwhile from views.py)
    views.py     the same answers by a pass over the papers (read-only libraries, an index being built)
    library.py   the public face: Library (opening, reading, capture and import, the commit)
    edits.py     the user's edits: save, tags, note, read, deletes (mixed into Library)
"""

from .errors import LibraryError, LibraryInUse, NotFound
from .journal import LOCK_NAME, SNAPSHOT_NAME
from .library import COMPACT_JOURNAL_BYTES, Library
from .tables import clean_tags
from .merge import ImportOutcome
from .views import search_text_of

__all__ = ["COMPACT_JOURNAL_BYTES", "LOCK_NAME", "SNAPSHOT_NAME", "ImportOutcome", "Library", "LibraryError", "LibraryInUse", "NotFound",
           "clean_tags", "search_text_of"]
