"""After the server is ready, in the background: import the heavy libraries the Insights
page and the doctor's report use (statsmodels, scipy, matplotlib; about a second and a
half on a laptop) and work out the Insights summary once, so that the first person to
open /insights does not wait for them. A failure here is only logged: the page would do
the same work itself."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def import_heavy_libraries() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends import backend_agg, backend_pdf  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401
    from scipy.special import stdtrit  # noqa: F401
    from statsmodels.discrete.discrete_model import NegativeBinomial  # noqa: F401
    from statsmodels.genmod.generalized_linear_model import GLM  # noqa: F401


def start_warm_up(*steps: Callable[[], object]) -> threading.Thread:
    """Run the steps one after another on a daemon thread; returns it (tests join it)."""

    def run() -> None:
        for step in steps:
            try:
                step()
            except Exception:  # the request that needs it will do it and report
                log.exception("warming up failed (the first request will do it)")

    thread = threading.Thread(target=run, name="crampcoach-warm-up", daemon=True)
    thread.start()
    return thread
