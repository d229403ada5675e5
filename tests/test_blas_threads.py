"""The analysers' BLAS runs on one thread, also when nothing had loaded numpy yet."""

from __future__ import annotations

import json
import subprocess
import sys


def test_one_blas_thread_reaches_numpy_loaded_after_it() -> None:
    probe = (
        "import json, sys\n"
        "assert 'numpy' not in sys.modules\n"
        "from crampcoach.blas_threads import one_blas_thread\n"
        "one_blas_thread()\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps([i['num_threads'] for i in threadpool_info()"
        " if i['user_api'] == 'blas']))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    threads = json.loads(done.stdout)
    assert threads and all(n == 1 for n in threads), threads
