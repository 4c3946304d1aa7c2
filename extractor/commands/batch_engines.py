"""Where `vnplan batch` runs its documents: a local process pool or a Ray cluster.

Both engines run the same per-document function, `process_document`, in worker processes that were set
up once (`init_worker`), and both turn every way a document can go wrong (an error, a time limit, a
worker that died) into a failed `DocResult`, so the caller sees exactly one result per task.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from extractor.base.errors import VnplanError, describe, os_cause, printable


class PoolStartError(VnplanError):
    """The worker processes could not be started (no processes or descriptors left, a helper process
    that died at once, ...): the batch fails with this cause, exit status 1."""

# Modules a worker imports once, before its first document (the stage modules and the readers).
PIPELINE_MODULES = (
    "extractor.pipeline",
    "extractor.readers",
    "extractor.stages.trim",
    "extractor.stages.segment",
    "extractor.stages.metadata",
    "extractor.stages.citations",
    "extractor.stages.tasks",
    "extractor.stages.units",
    "extractor.readers.text",
    "extractor.readers.html",
    "extractor.readers.docx",
    "extractor.readers.pdf",
    "extractor.readers.office",
    "extractor.readers.image",
)
# A worker is replaced after this many documents, so that a slow leak in a library cannot grow forever.
TASKS_PER_WORKER = 1000
# How long past the document's own time limit a worker may go before it is killed from outside (the
# in-process limit normally fires first; this catches code that never returns to Python).
KILL_GRACE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class DocTask:
    source: str
    """The input path, as it is shown and recorded (`source.path` of the document)."""
    output: str
    """Absolute path of the JSON to write, already checked to stay inside the output folder."""
    seconds: float
    """Time limit for the document."""
    force: bool = False
    root: str | None = None
    """The output folder: `output` is reached from it without following links (None: its own folder)."""


@dataclass(slots=True)
class DocResult:
    source: str
    status: str
    """'done', 'skipped' (output already up to date) or 'failed'."""
    seconds: float = 0.0
    stage: str | None = None
    error: str | None = None
    review: bool = False
    """The document's `quality.needs_review` (done or skipped documents)."""


RAY_START_SECONDS = 120.0
"""How long a Ray actor may take to start and import the pipeline."""


def init_worker(cap_memory: bool = True, memory_bytes: int | None = None) -> None:
    """Set a worker up once: leave Ctrl-C to the parent, remove its temporary folders on SIGTERM, cap its
    memory (at `memory_bytes`, by default VNPLAN_MEMORY_MB), and import the pipeline before the first
    task. Ray actors are not capped: Ray's own runtime maps large shared-memory regions in them and fails
    under an address-space limit (Ray has its own memory monitor)."""
    from extractor.base.limits import apply_memory_limit
    from extractor.base.tempdirs import install_cleanup

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install_cleanup()
    if cap_memory:
        apply_memory_limit(memory_bytes=memory_bytes)
    for name in PIPELINE_MODULES:
        try:
            if find_spec(name) is not None:
                import_module(name)
        except Exception:  # noqa: BLE001 - a reader that cannot load fails its own documents, clearly
            pass


# The head of a document written by `document_json`: fields in model order, so the three values that
# decide whether an output is up to date sit in its first few hundred bytes.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_HEAD = re.compile(
    r'\{\s*"schema_version":\s*(?P<schema>' + _JSON_STRING + r")\s*,"
    r'\s*"pipeline_version":\s*(?P<pipeline>' + _JSON_STRING + r")\s*,"
    r'\s*"id":\s*' + _JSON_STRING + r'\s*,\s*"source":\s*\{'
    r'\s*"path":\s*' + _JSON_STRING + r'\s*,\s*"format":\s*' + _JSON_STRING + r"\s*,"
    r'\s*"sha256":\s*"(?P<sha256>[0-9a-f]{64})"'
)
_HEAD_BYTES = 64 * 1024


def output_stamp(output: Path, root: Path | None = None) -> tuple[str, str, str] | None:
    """(schema version, pipeline version, input sha256) of a finished output, read from its first bytes.

    None when the file is missing, is not a complete document written by vnplan, or has another layout;
    the document is then simply extracted again. The file is reached from `root` (default: its own
    folder) without following links; a link raises `VnplanError`.
    """
    import json

    from extractor.base.output import open_inside

    root = output.parent if root is None else root
    try:
        fd = open_inside(root, output.relative_to(root), os.O_RDONLY, stage="write")
        if fd is None:
            return None
        with open(fd, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
            handle.seek(0, os.SEEK_END)
            if handle.tell() < 2:
                return None
            handle.seek(-2, os.SEEK_END)
            tail = handle.read()
    except OSError:
        return None
    if not tail.rstrip().endswith(b"}"):
        return None
    match = _HEAD.match(head.decode("utf-8", errors="replace"))
    if match is None:
        return None
    return json.loads(match["schema"]), json.loads(match["pipeline"]), match["sha256"]


# The end of a document written by `document_json`: `quality` is the last field, `needs_review` its last.
_TAIL = re.compile(rb'"needs_review":\s*(true|false)\s*\}\s*\}\s*$')
_TAIL_BYTES = 512


def output_needs_review(output: Path, root: Path | None = None) -> bool:
    """`quality.needs_review` of a finished output, read from its last bytes (False when not found)."""
    from extractor.base.output import open_inside

    root = output.parent if root is None else root
    try:
        fd = open_inside(root, output.relative_to(root), os.O_RDONLY, stage="write")
        if fd is None:
            return False
        with open(fd, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - _TAIL_BYTES))
            match = _TAIL.search(handle.read())
    except (OSError, VnplanError):
        return False
    return match is not None and match.group(1) == b"true"


def output_root(task: DocTask) -> Path:
    """The folder the task's output is reached from without following links."""
    return Path(task.root) if task.root is not None else Path(task.output).parent


def output_up_to_date(task: DocTask) -> bool:
    """The task's output is a whole document of the same input bytes, schema version and pipeline version
    (outputs are written atomically, so a whole one is finished). Raises OSError when the input cannot be
    read and VnplanError when the output is reached through a link; the caller decides what that means."""
    from extractor.pipeline import PIPELINE_VERSION, file_sha256
    from models.document import SCHEMA_VERSION

    stamp = output_stamp(Path(task.output), output_root(task))
    if stamp is None or stamp[:2] != (SCHEMA_VERSION, PIPELINE_VERSION):
        return False
    source = Path(task.source)
    return source.is_file() and file_sha256(source) == stamp[2]


def process_document(task: DocTask) -> DocResult:
    """Extract one document to its output file, unless an output for the same bytes and versions exists.

    Never raises for a bad document: the error comes back as a failed result with the stage it failed in.
    """
    from extractor.base.limits import DEFAULT_LIMITS
    from extractor.base.output import document_json, write_inside
    from extractor.pipeline import StageTimer, extract

    began = time.perf_counter()
    source = Path(task.source)
    output = Path(task.output)
    root = output_root(task)
    timer = StageTimer()
    try:
        if not task.force and output_up_to_date(task):
            review = output_needs_review(output, root)
            return DocResult(task.source, "skipped", time.perf_counter() - began, review=review)
        limits = dataclasses.replace(DEFAULT_LIMITS, seconds=task.seconds)
        doc = extract(source, limits, timer)
        timer.stage = "write"
        write_inside(root, output.relative_to(root), document_json(doc))
    except VnplanError as exc:
        return DocResult(task.source, "failed", time.perf_counter() - began, exc.stage, describe(exc))
    except MemoryError:
        return DocResult(task.source, "failed", time.perf_counter() - began, timer.stage, "out of memory")
    except OSError as exc:  # an unreadable input (permission denied), a temporary folder that cannot be made
        cause = os_cause(exc)
        if exc.filename is not None and os.fsdecode(exc.filename) != task.source:
            cause = f"{printable(os.fsdecode(exc.filename))}: {cause}"
        return DocResult(task.source, "failed", time.perf_counter() - began, timer.stage, cause)
    except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the batch
        error = f"internal error ({type(exc).__name__}: {exc})"
        return DocResult(task.source, "failed", time.perf_counter() - began, timer.stage, error)
    return DocResult(task.source, "done", time.perf_counter() - began, review=doc.quality.needs_review)


ResultSink = Callable[[DocTask, DocResult], None]


def _died(task: DocTask, exitcode: int | None, began: float) -> DocResult:
    try:
        written = not task.force and output_up_to_date(task)
    except (OSError, VnplanError):  # the worker's failure is reported below, not this one
        written = False
    if written:
        # Killed after writing the document and before reporting it: the document is done.
        review = output_needs_review(Path(task.output), output_root(task))
        return DocResult(task.source, "done", time.monotonic() - began, review=review)
    how = ""
    if exitcode is not None and exitcode < 0:
        try:
            how = f" (killed by {signal.Signals(-exitcode).name})"
        except ValueError:
            how = f" (killed by signal {-exitcode})"
    elif exitcode is not None:
        how = f" (exit code {exitcode})"
    error = f"worker process died{how}: out of memory, killed, or a crash in native code"
    return DocResult(task.source, "failed", time.monotonic() - began, "worker", error)


def _timed_out(task: DocTask, limit: float, began: float) -> DocResult:
    error = f"time limit of {task.seconds:g} s exceeded; worker stopped after {limit:g} s"
    return DocResult(task.source, "failed", time.monotonic() - began, "timeout", error)


def hard_limit(seconds: float) -> float:
    return seconds + KILL_GRACE_SECONDS + 0.1 * seconds


class LocalEngine:
    """A pebble process pool: a worker that dies or hangs costs its document only, never the batch.

    Pebble gives up on the whole pool when a worker dies while no document is running (killed while
    starting up, say); the documents queued then never started, so they go to a fresh pool. A pool that
    keeps breaking without finishing anything fails its remaining documents instead of looping.
    """

    max_restarts = 5

    def __init__(self, workers: int) -> None:
        from extractor.base.limits import worker_memory_bytes

        self.workers = max(1, workers)
        self.in_flight = 2 * self.workers
        self.memory_bytes = worker_memory_bytes(self.workers)

    def _pool(self):  # noqa: ANN202 - a pebble.ProcessPool
        from pebble import ProcessPool

        from extractor.base.tempdirs import use_for_multiprocessing

        use_for_multiprocessing()  # its sockets in vnplan-mp-<pid>-*: removed at exit or by the next run
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        return ProcessPool(
            max_workers=self.workers,
            max_tasks=TASKS_PER_WORKER,
            initializer=init_worker,
            initargs=(True, self.memory_bytes),
            context=multiprocessing.get_context(method),
        )

    def run(self, tasks: Iterable[DocTask], sink: ResultSink) -> None:
        from concurrent.futures.process import BrokenProcessPool

        from pebble import ProcessExpired

        pool = self._pool()
        pending: dict[Future, tuple[DocTask, float]] = {}
        unstarted: deque[DocTask] = deque()  # documents of a broken pool, to run again
        broken = False
        restarts = 0

        def collect() -> None:
            nonlocal broken, restarts
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task, began = pending.pop(future)
                try:
                    result = future.result()
                except FutureTimeout:
                    result = _timed_out(task, hard_limit(task.seconds), began)
                except ProcessExpired as exc:
                    result = _died(task, exc.exitcode, began)
                except BrokenProcessPool:
                    unstarted.append(task)
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be sent to a worker
                    result = DocResult(task.source, "failed", 0.0, "worker", f"{type(exc).__name__}: {exc}")
                restarts = 0
                sink(task, result)

        def restart() -> None:
            nonlocal pool, broken, restarts
            while pending:
                collect()
            pool.stop()
            pool.join()
            pool = self._pool()
            broken = False
            restarts += 1

        def submit(task: DocTask) -> None:
            nonlocal broken
            while len(pending) >= self.in_flight:
                collect()
            while True:
                if broken:
                    restart()
                if restarts > self.max_restarts:
                    error = "worker processes keep dying before they start a document"
                    sink(task, DocResult(task.source, "failed", 0.0, "worker", error))
                    return
                try:
                    future = pool.schedule(process_document, args=(task,), timeout=hard_limit(task.seconds))
                except RuntimeError:  # the pool broke; its queued documents come back as unstarted
                    broken = True
                    continue
                except OSError as exc:  # the workers cannot be started at all (BrokenPipeError, EAGAIN, ...)
                    raise PoolStartError(f"cannot start worker processes: {os_cause(exc)}", stage="worker") from exc
                pending[future] = (task, time.monotonic())
                return

        def drain_unstarted() -> None:
            while unstarted:
                submit(unstarted.popleft())

        try:
            for task in tasks:
                drain_unstarted()
                submit(task)
            while pending or unstarted:
                drain_unstarted()
                while pending:
                    collect()
            pool.close()
        except BaseException:
            try:
                pool.stop()  # Ctrl-C or a failing sink: stop the workers now, their documents stay undone
            except Exception:  # noqa: BLE001 - a pool that never started has nothing to stop
                pass
            raise
        finally:
            try:
                pool.join()
            except Exception:  # noqa: BLE001
                pass


class _RayWorker:
    """One pipeline set-up per Ray worker process, reused for all its documents."""

    def __init__(self) -> None:
        init_worker(cap_memory=False)

    def ready(self) -> bool:
        return True

    def process(self, task: DocTask) -> DocResult:
        return process_document(task)


class RayEngine:
    """The same documents on a Ray cluster, through a pool of actors (one pipeline set-up each).

    Every node must see the inputs and the output folder at the same paths (a shared filesystem).
    """

    def __init__(self, workers: int | None, address: str | None) -> None:
        self.workers = workers
        self.address = address

    def _connect(self) -> int:
        import ray

        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(
                    address="local",
                    num_cpus=self.workers or os.cpu_count() or 1,
                    include_dashboard=False,
                    _node_ip_address="127.0.0.1",
                    logging_level=logging.WARNING,
                    log_to_driver=False,
                )
        return self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    def run(self, tasks: Iterable[DocTask], sink: ResultSink) -> None:
        import ray

        started_here = not ray.is_initialized() and not self.address
        actors: list = []
        try:
            self._run(ray, tasks, sink, actors)
        finally:
            for actor in actors:
                ray.kill(actor)
            if started_here:
                ray.shutdown()

    def _run(self, ray, tasks: Iterable[DocTask], sink: ResultSink, actors: list) -> None:  # noqa: ANN001
        from ray.exceptions import RayActorError, RayError

        size = self._connect()
        remote_worker = ray.remote(num_cpus=1, max_restarts=0)(_RayWorker)

        def start_actor():  # noqa: ANN202 - a Ray actor handle
            actor = remote_worker.remote()
            actors.append(actor)
            return actor

        idle = [start_actor() for _ in range(size)]
        # Set up before the first time limit starts; a worker that cannot start is an error, not a hang.
        ray.get([actor.ready.remote() for actor in idle], timeout=RAY_START_SECONDS)
        pending: dict[object, tuple[object, DocTask, float]] = {}

        def replace(actor) -> object:  # noqa: ANN001
            ray.kill(actor)
            actors.remove(actor)
            fresh = start_actor()
            ray.get(fresh.ready.remote(), timeout=RAY_START_SECONDS)
            return fresh

        def collect() -> None:
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
            for ref in ready:
                actor, task, began = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except RayActorError:
                    actor = replace(actor)
                    result = _died(task, None, began)
                except RayError as exc:
                    result = DocResult(task.source, "failed", 0.0, "worker", f"{type(exc).__name__}: {exc}")
                idle.append(actor)
                sink(task, result)
            now = time.monotonic()
            for ref, (actor, task, began) in list(pending.items()):
                if now - began > hard_limit(task.seconds):
                    del pending[ref]
                    idle.append(replace(actor))
                    sink(task, _timed_out(task, hard_limit(task.seconds), began))

        for task in tasks:
            while not idle:
                collect()
            actor = idle.pop()
            pending[actor.process.remote(task)] = (actor, task, time.monotonic())
        while pending:
            collect()
