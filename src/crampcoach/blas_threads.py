"""numpy's BLAS on one thread for the analysers.

The analysers work on small matrices (a few hundred rows), where a second BLAS thread
adds no speed, and OpenBLAS's extra threads spin while they wait: analysing 8 ankle-circle
tracks took 5.5 s of wall clock and 10.3 s of CPU with the default threads against 5.0 s
and 5.0 s with one (issue 19). A process that analyses (`crampcoach analyze`, the server
with its live camera, the benchmark's workers) calls `one_blas_thread()` once.
"""

from __future__ import annotations


def one_blas_thread() -> None:
    """Limit numpy's BLAS (and any other BLAS already loaded) to one thread, from now on.

    threadpoolctl limits only the libraries loaded when it is called, so numpy, whose
    OpenBLAS the analysers use, is imported first."""
    import numpy  # noqa: F401  # loads its BLAS, so that the limit reaches it
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
