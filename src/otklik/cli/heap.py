"""The garbage collector in a long-running process (docs/ingestion.md, «Where the p99 came from»).

After start-up a process holds a large heap that lives as long as it does: the text models, the reference data,
the app's routes and schemas, imported modules. CPython's full (generation 2) collection walks all of it; on the
accept path that was 0.2–1.7 s with every thread stopped, a few times a minute — the whole p99 tail. Freezing the
start-up heap moves it to a generation the collector never walks (`gc.freeze`), so a full collection only walks
what the process made since. Nothing is leaked by it: the frozen objects were alive for good anyway, and the
collector still finds cycles among everything made after. (Nothing replaces the models in a running process; code
that one day does must `gc.unfreeze()` first, or the old models' reference cycles stay.)"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Call once, after the context and the app are built and before serving."""
    gc.collect()  # what start-up left as garbage goes now, not into the frozen generation
    gc.freeze()
