"""The processes of one ``repro run``: which invocation trained a run, and workers that die with it.

A leaf module: it imports nothing of ``repro``.

- :func:`invocation_id` names the command that is running (the main process and the pool workers
  it spawns share it through the environment), so a stored result says which invocation trained
  it, and a command can tell the runs it trained from those another command on the same store
  trained meanwhile.
- :func:`die_with_parent` is the pool workers' initializer: a worker exits as soon as the process
  that started it is gone (killed with SIGKILL, which runs no clean-up), instead of training on as
  an orphan. On Linux the kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``); everywhere a
  daemon thread also watches the parent's pid.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import uuid

INVOCATION_ENV = "XLT_REPRO_INVOCATION"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def invocation_id() -> str:
    """This command's id: made on first use, then inherited by every process it starts."""
    return os.environ.setdefault(INVOCATION_ENV, uuid.uuid4().hex)


def new_invocation() -> str:
    """Start a new command's id (a command started by another, e.g. from a test, is not part of it)."""
    os.environ[INVOCATION_ENV] = uuid.uuid4().hex
    return os.environ[INVOCATION_ENV]


def die_with_parent(parent_pid: int, poll_seconds: float = 0.5) -> None:
    """Make this process exit when ``parent_pid`` (its parent) is gone. For a pool's initializer."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread below still applies
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid, poll_seconds), name="die-with-parent",
                     daemon=True).start()


def _watch_parent(parent_pid: int, poll_seconds: float) -> None:
    # an orphan is adopted by init or a subreaper: its parent pid changes
    while os.getppid() == parent_pid:
        time.sleep(poll_seconds)
    os._exit(1)
