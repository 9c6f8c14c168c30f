"""Serve the course to a classroom: a cap on kernels, prompt websockets, one plotly bundle.

Every open Voilà page owns one Python kernel, and each kernel holds memory for as long as it
lives. Voilà has no limit of its own, so a full room can exhaust a laptop or a small server.
:class:`CappedKernelManager` refuses a new kernel once ``max_kernels`` are running (or
starting) and answers the browser with HTTP 503 and a plain sentence asking the student to
try again in a minute.

Voilà loads this module only through its configuration (``etc/voila.json``)::

    {"VoilaConfiguration": {"multi_kernel_manager_class":
                            "itb_edu.serving.CappedKernelManager"},
     "CappedKernelManager": {"max_kernels": 40}}

:class:`NoDelayWebsocketConnection` sends kernel messages to the browser without Nagle
delay, and :func:`publish_plotly_bundle` lets pages fetch plotly's widget bundle once
instead of receiving it in every figure widget's state; ``etc/voila.py`` and
``etc/lab/jupyter_server_config.py`` apply both.

``import itb_edu`` does not import it: it needs ``jupyter_server``, which the course package
must not pull in at import time.
"""

from __future__ import annotations

import asyncio
import os

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, Unicode, validate

from itb_edu.figure_widget import SERVED_BUNDLE_ENV, bundle_dir

__all__ = [
    "ROOM_FULL_MESSAGE",
    "CappedKernelManager",
    "NoDelayWebsocketConnection",
    "RoomFullError",
    "check_room",
    "publish_plotly_bundle",
    "room_has_space",
]

ROOM_FULL_MESSAGE = (
    "The classroom server is full: every place is taken. Please try again in a minute."
)


class RoomFullError(web.HTTPError):
    """HTTP 503 raised when the classroom server already runs its maximum of kernels.

    The plain sentence travels as the HTTP reason phrase, which is what Voilà's error page
    shows (``503: The classroom server is full ...``); no traceback reaches the browser.

    Parameters
    ----------
    message : str
        Sentence shown to the student. ASCII only and on one line, because it is sent in
        the HTTP status line.
    """

    def __init__(self, message: str = ROOM_FULL_MESSAGE) -> None:
        # Tornado escapes percent signs in ``log_message`` itself when no args are given.
        super().__init__(503, message, reason=message)


def room_has_space(running: int, starting: int, max_kernels: int) -> bool:
    """Tell whether one more kernel may start.

    Parameters
    ----------
    running : int
        Kernels already running [count], pre-heated pool kernels included.
    starting : int
        Kernels whose start has begun but not finished [count].
    max_kernels : int
        Most kernels allowed at once [count]; ``0`` means no cap.

    Returns
    -------
    bool
        ``True`` if ``running + starting < max_kernels`` or there is no cap.

    Raises
    ------
    ValueError
        If a count is negative or not an integer.
    """
    for name, value in (("running", running), ("starting", starting), ("max_kernels", max_kernels)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value!r}")
    return max_kernels == 0 or running + starting < max_kernels


def check_room(running: int, starting: int, max_kernels: int, message: str = ROOM_FULL_MESSAGE):
    """Raise :class:`RoomFullError` if no further kernel may start.

    Parameters
    ----------
    running : int
        Kernels already running [count].
    starting : int
        Kernels being started [count].
    max_kernels : int
        Most kernels allowed at once [count]; ``0`` means no cap.
    message : str
        Sentence for the student if the room is full.

    Raises
    ------
    RoomFullError
        If the room is full (HTTP 503).
    ValueError
        If a count is negative or not an integer.
    """
    if not room_has_space(running, starting, max_kernels):
        raise RoomFullError(message)


class CappedKernelManager(AsyncMappingKernelManager):
    """Jupyter kernel manager that refuses new kernels beyond ``max_kernels``.

    Use it as Voilà's ``VoilaConfiguration.multi_kernel_manager_class``. Voilà wraps it in its
    pooling class when ``preheat_kernel`` is on; pre-heated kernels count towards the cap.

    Notes
    -----
    - The count is the kernels running plus those still starting, so a burst of requests
      arriving together cannot overshoot the cap.
    - A refused page start raises :class:`RoomFullError` (HTTP 503, plain sentence).
    - A refused pool refill (Voilà topping up its pre-heated kernels while the room is
      full) is dropped quietly: the pool shrinks and the next visitor gets an ordinary
      kernel or the 503 page. When a kernel is shut down (culled, or its page closed) the
      manager tops the pools up again, so pre-heating returns once there is room.
    - Culling (``cull_idle_timeout``, ``cull_interval``, ``cull_connected``) is inherited
      from jupyter_server's ``MappingKernelManager`` and configured there.
    """

    max_kernels = Int(
        0,
        config=True,
        help="Most kernels running at once, pre-heated ones included; 0 means no cap.",
    )
    room_full_message = Unicode(
        ROOM_FULL_MESSAGE,
        config=True,
        help="Sentence shown (HTTP 503) when the room is full. ASCII, one line.",
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._starting_ids: set[str] = set()
        self._closing = False

    @validate("max_kernels")
    def _check_max_kernels(self, proposal):
        value = proposal["value"]
        if value < 0:
            raise ValueError(f"max_kernels must not be negative (0 means no cap), got {value!r}")
        return value

    @validate("room_full_message")
    def _check_message(self, proposal):
        value = proposal["value"]
        if not value.strip() or not value.isascii() or "\n" in value or "\r" in value:
            raise ValueError(
                f"room_full_message must be one non-empty line of ASCII text, got {value!r}"
            )
        return value

    @property
    def kernel_count(self) -> int:
        """Kernels running or starting, each counted once [count]."""
        return len(set(self.list_kernel_ids()) | self._starting_ids)

    def _pool_holding(self, task: asyncio.Task | None) -> list | None:
        """Return the Voilà pre-heat pool list that holds ``task``, if any."""
        if task is None:
            return None
        for pool in (getattr(self, "_pools", None) or {}).values():
            if task in pool:
                return pool
        return None

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        """Start a kernel if the room has space, else refuse with HTTP 503.

        Parameters
        ----------
        kernel_id : str, optional
            Id of an existing kernel to reuse (never refused) or of a new kernel.
        path : str, optional
            API path of the notebook's folder (the kernel's working directory).
        **kwargs
            Passed on to ``AsyncMappingKernelManager.start_kernel``.

        Returns
        -------
        str
            The kernel id.

        Raises
        ------
        RoomFullError
            If ``max_kernels`` kernels are already running or starting.
        """
        if kernel_id is not None and kernel_id in self.list_kernel_ids():
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        running = set(self.list_kernel_ids())
        starting = len(self._starting_ids - running)
        if not room_has_space(len(running), starting, self.max_kernels):
            task = asyncio.current_task()
            pool = self._pool_holding(task)
            if pool is not None:
                # Voilà topping up its pre-heated kernels: drop this refill quietly.
                pool.remove(task)
                self.log.info(
                    "Room full (%d of %d kernels): not pre-heating another kernel.",
                    self.kernel_count,
                    self.max_kernels,
                )
                raise asyncio.CancelledError("room full: pool refill dropped")
            self.log.warning(
                "Room full (%d of %d kernels): refused a new kernel with HTTP 503.",
                self.kernel_count,
                self.max_kernels,
            )
            raise RoomFullError(self.room_full_message)
        # Name the kernel now so that it is counted once while it starts: jupyter_server
        # lists a kernel before it is ready.
        kernel_id = kernel_id or self.new_kernel_id()
        self._starting_ids.add(kernel_id)
        try:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        finally:
            self._starting_ids.discard(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        """Leave kernels that are still starting alone, otherwise cull as usual.

        jupyter_server's culler can meet a kernel that is listed but not ready yet (no
        ``last_activity``) and logs a traceback; a busy room start-up makes that likely.

        Parameters
        ----------
        kernel_id : str
            The kernel to check.
        """
        if kernel_id in self._starting_ids:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        """Shut a kernel down, then top up Voilà's pre-heat pools if there is room.

        Parameters
        ----------
        kernel_id : str
            The kernel to shut down.
        now : bool
            Kill at once instead of asking the kernel to exit.
        restart : bool
            Passed on; ``True`` when the shutdown is part of a restart.
        """
        await super().shutdown_kernel(kernel_id, now=now, restart=restart)
        if not restart:
            self._refill_pools()

    async def shutdown_all(self, now=False):
        """Shut every kernel down without refilling the pools (server stopping).

        Parameters
        ----------
        now : bool
            Kill at once instead of asking the kernels to exit.
        """
        self._closing = True
        await super().shutdown_all(now=now)

    def _refill_pools(self) -> None:
        fill = getattr(self, "fill_if_needed", None)
        pools = getattr(self, "_pools", None)
        if self._closing or fill is None or not pools:
            return
        for notebook_name in list(pools):
            fill(notebook_name=notebook_name)


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Kernel websocket connection that sends every message at once (``TCP_NODELAY``).

    Use it as ``kernel_websocket_connection_class`` of Voilà (``Voila``) or JupyterLab
    (``ServerApp``).

    Notes
    -----
    Tornado leaves Nagle's algorithm on for websockets unless a handler turns it off, and
    jupyter_server does not. A control change makes the kernel send several small messages in
    a row (echo, headline, plot update); with Nagle on, the later ones wait for the browser's
    delayed acknowledgement of the first, about 40 ms on Linux, before they leave. Measured
    with ``make bench`` on this project's simulator: control change to redrawn plot went from a
    median of 109 ms to about 55 ms.
    """

    def connect(self):
        """Turn Nagle's algorithm off for this websocket, then connect to the kernel."""
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def publish_plotly_bundle() -> str:
    """Publish plotly's FigureWidget bundle with the server's extension files; tell kernels.

    Returns
    -------
    str
        plotly's ``package_data`` folder, to append to the server's
        ``extra_labextensions_path`` (Voilà: ``VoilaConfiguration``; JupyterLab: ``LabApp``).
        The browser then finds the bundle at ``<fullLabextensionsUrl>/widgetbundle.js``.

    Notes
    -----
    Also sets the environment variable
    :data:`itb_edu.figure_widget.SERVED_BUNDLE_ENV` in the server process; the kernels
    the server starts inherit it, and their figure widgets then load the bundle from the
    server instead of carrying it in their state (see :mod:`itb_edu.figure_widget`).
    Call it from a server configuration file, as ``etc/voila.py`` does::

        c.VoilaConfiguration.extra_labextensions_path.append(publish_plotly_bundle())
    """
    os.environ[SERVED_BUNDLE_ENV] = "1"
    return str(bundle_dir())
