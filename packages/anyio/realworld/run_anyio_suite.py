"""Run AnyIO's own test suite (4.16.0 by default) on this project's packages.

AnyIO's documented behaviour is our specification, and its test suite is the most
thorough statement of it: about 3,200 tests on asyncio, asyncio+uvloop, the eager task
factory (3.12+) and Trio, many matching exception messages that users' tests match too.
This runner measures our distributions against it. AnyIO's tests are downloaded from its
sdist into a throwaway folder at run time and never become part of this repository.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the umbrella
   ``anyio`` among them (pip never fetches the original AnyIO: its sdist is only
   *downloaded* and unpacked for its ``tests/`` folder);
2. the test tools AnyIO's suite uses (none depends on anyio);
3. a handful of text edits, listed in ``EDITS`` below, where AnyIO's test modules import a
   private name of AnyIO's own layout at module level;
4. pytest on the suite, with ``INTERNAL`` deselected: tests that patch or read AnyIO's
   private internals (a module path such as ``anyio._core._sockets``, a private attribute),
   which say nothing about the public behaviour. Each entry gives its reason.

Every other test must pass. ``--workdir`` keeps the venv and the unpacked suite, so that
``--reuse`` can run again without reinstalling.

Usage (PyPI reachable)::

    python3 packages/anyio/realworld/run_anyio_suite.py [--anyio 4.16.0] [--workdir DIR]
        [--reuse] [PYTEST ARGS...]

Exits with pytest's exit status.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts, the venv, the sdist download
from _workspace import step

#: The release whose suite this runner and ``INTERNAL`` were written against.
DEFAULT_ANYIO = "4.16.0"

#: The ``test`` dependency group of AnyIO's pyproject.toml, plus sniffio for the shim below.
REQUIREMENTS = [
    "blockbuster>=1.5.29",
    "hypothesis>=4.18.2",
    "psutil>=5.9",
    "pytest>=9.0",
    "pytest-mock>=3.14",
    "pytest-timeout>=2.4.0",
    "trustme>=1.0.0",
    "truststore>=0.9.1",
    "uvloop>=0.22.1",
    "sniffio>=1.3",
]

#: A module the edits below import instead of AnyIO's private ones.
SHIM = '''\
"""Public stand-ins for the AnyIO internals that its test modules import at module level."""


def current_async_library():
    import sniffio

    try:
        return sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return None  # what AnyIO's private helper answers outside an event loop


def get_async_backend():
    raise NotImplementedError("AnyIO's private backend class; the tests using it are deselected")
'''

#: (file, old text, new text): each edit must apply, or the runner stops (a newer suite).
EDITS: list[tuple[str, str, str]] = [
    *(
        (
            path,
            "from anyio._core._eventloop import current_async_library",
            "from _anyio_suite_shim import current_async_library",
        )
        for path in (
            "tests/conftest.py",
            "tests/test_from_thread.py",
            "tests/test_pytest_plugin.py",
            "tests/test_to_thread.py",
        )
    ),
    *(
        (
            path,
            "from anyio._core._eventloop import get_async_backend",
            "from _anyio_suite_shim import get_async_backend",
        )
        for path in ("tests/test_sockets.py", "tests/test_subprocesses.py")
    ),
    ("tests/streams/test_memory.py", "    _MemoryObjectItemReceiver,\n", ""),
    ("tests/test_functools.py", "    _LRUMethodWrapper,\n", ""),
    # blockbuster flags blocking calls made under a module of the `anyio` package; AnyIO
    # exempts its own event-loop runner and pytest plugin, which are ours under these names.
    (
        "tests/conftest.py",
        'excluded_modules=["anyio.pytest_plugin", "anyio._backends._asyncio"]',
        'excluded_modules=["anyio.pytest_plugin", "anyio._backends", "anyio._testing"]',
    ),
    # The suite takes IPv6 as usable when a socket binds to ::1; its tests then also
    # resolve "localhost" to ::1, which hosts files without a `::1 localhost` line refuse.
    (
        "tests/test_sockets.py",
        'skip_ipv6_mark = pytest.mark.skipif(not has_ipv6, reason="IPv6 is not available")',
        "try:\n"
        '    socket.getaddrinfo("localhost", 0, socket.AF_INET6)\n'
        "except OSError:\n"
        "    has_ipv6 = False\n"
        'skip_ipv6_mark = pytest.mark.skipif(not has_ipv6, reason="IPv6 is not available")',
    ),
]

#: Whole modules about AnyIO's private layout.
IGNORED_MODULES = {
    "tests/test_lazyimport.py": "tests anyio._lazyimport, AnyIO's private lazy-import helper",
}

#: Tests of AnyIO's private internals, by node id prefix, with the reason.
INTERNAL: dict[str, str] = {
    # -- they patch or read AnyIO's private modules, classes and attributes
    "tests/test_eventloop.py::test_sleep_until": "patches anyio._core._eventloop.sleep",
    "tests/test_eventloop.py::test_sleep_forever": "patches anyio._core._eventloop.sleep",
    "tests/test_eventloop.py::test_run_known_but_uninstalled_backend": (
        "patches anyio._core._eventloop.BACKENDS"
    ),
    "tests/streams/test_memory.py::test_memory_object_item_receiver_repr": (
        "uses the private _MemoryObjectItemReceiver"
    ),
    "tests/streams/test_tls.py::TestTLSStream::test_default_context_ignore_unexpected_eof_flag_off": (
        "patches the private TLSStream._call_sslobject_method"
    ),
    "tests/test_sockets.py::TestTCPStream::test_cancelled_receive_pauses_reading": (
        "reads the private _transport of AnyIO's asyncio stream"
    ),
    "tests/test_sockets.py::TestTCPStream::test_connect_tcp_closes_winner_on_outer_cancellation": (
        "patches AnyIO's private backend class"
    ),
    "tests/test_sockets.py::TestTCPStream::test_connect_tcp_with_tls_unicode_hostname": (
        "patches AnyIO's private backend class"
    ),
    "tests/test_sockets.py::test_getaddrinfo_ipv6_disabled": "patches anyio._core._sockets",
    "tests/test_sockets.py::test_tcp_connectable": "patches anyio._core._sockets",
    "tests/test_sockets.py::test_unix_connectable": "patches anyio._core._sockets",
    "tests/test_subprocesses.py::test_arguments_passed_through": (
        "patches AnyIO's private backend class"
    ),
    "tests/test_taskgroups.py::test_cancel_with_nested_task_groups": (
        "patches the private CancelScope._deliver_cancellation"
    ),
    "tests/test_taskgroups.py::test_no_spin_on_done_task_in_cancel_scope": (
        "patches the private CancelScope._deliver_cancellation"
    ),
    "tests/test_tempfile.py::TestSpooledTemporaryFile::test_cancelled_during_rollover": (
        "patches anyio._core._tempfile"
    ),
    "tests/test_tempfile.py::TestTemporaryDirectory::test_cancellation_during_creation": (
        "patches anyio._core._tempfile"
    ),
    "tests/test_from_thread.py::test_run_sync_soon_closed_event_loop": (
        "imports AnyIO's private backend class"
    ),
    "tests/test_from_thread.py::TestBlockingPortal::test_cancel_during_completion": (
        "patches anyio.from_thread.Future, which our portal does not use"
    ),
    "tests/test_to_thread.py::test_asyncio_worker_reused_after_cancelled_call": (
        "reads the private queue of AnyIO's worker thread"
    ),
    "tests/test_to_process.py::test_cancel_before": "reads the private _process_pool_workers",
    "tests/test_to_process.py::test_exec_while_pruning": (
        "reads the private _process_pool_workers"
    ),
    # -- deliberate differences, each described in docs/compatibility.md
    "tests/test_taskgroups.py::test_fail_after_scope_cancelled_before_timeout": (
        "AnyIO marks it a strict xfail (a limitation of AnyIO); ours passes it"
    ),
    "tests/test_taskgroups.py::test_start_soon_closes_coroutines_when_create_task_fails": (
        "sets a task factory after the group was entered; ours reads it at entry"
    ),
    "tests/streams/test_tls.py::TestTLSStream::test_cancelled_send_breaks_stream": (
        "a send() in an already cancelled scope raises before encrypting, so nothing "
        "is lost and the stream stays usable (AnyIO encrypts, loses the record, breaks)"
    ),
    "tests/test_sockets.py::TestUDPSocketBackpressure": (
        "wraps AF_UNIX datagram sockets in UDPSocket/ConnectedUDPSocket; ours refuses them "
        "there with an error naming UNIXDatagramSocket/ConnectedUNIXDatagramSocket"
    ),
    "tests/test_from_thread.py::TestRunSyncFromThread::test_get_current_task": (
        "from_thread.run_sync() runs inside the task that called to_thread.run_sync(), "
        "as on Trio, so there is a current task"
    ),
    "tests/test_to_thread.py::test_asyncio_no_root_task": (
        "on a loop driven without anyio.run()/asyncio.run(), idle (daemon) workers "
        "leave after the idle timeout, not when the outermost task ends"
    ),
    "tests/test_to_thread.py::test_asyncio_run_sync_multiple": (
        "on a loop driven without anyio.run()/asyncio.run(), idle (daemon) workers "
        "leave after the idle timeout, not when the outermost task ends"
    ),
}


def apply_edits(python: Path, source: Path) -> None:
    """Make AnyIO's test modules importable against ours (see ``EDITS``).

    The shim goes into the venv's site-packages, so the test files that pytester writes
    into temporary folders import it too.
    """
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "_anyio_suite_shim.py").write_text(SHIM, encoding="utf-8")
    for relative, old, new in EDITS:
        path = source / relative
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"{relative}: the text to replace is gone ({old[:60]!r}...)")
        path.write_text(text.replace(old, new), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--anyio", default=DEFAULT_ANYIO, help="AnyIO version of the suite")
    parser.add_argument("--workdir", type=Path, help="keep the venv and the suite here")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the venv and suite in --workdir"
    )
    args, pytest_args = parser.parse_known_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="anyio-suite-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    source = workdir / f"anyio-{args.anyio}"

    if args.reuse and source.is_dir():
        python = workdir / "venv" / "bin" / "python"
    else:
        python, pip = _workspace.make_venv(workdir)
        step("install our distributions (non-editable)", *pip, *_workspace.local_install_targets())
        step("install the suite's test tools (anyio excluded)", *pip, *REQUIREMENTS)
        source = _workspace.fetch_sdist(python, "anyio", args.anyio, workdir)
        apply_edits(python, source)
    step("check that anyio is ours", python, "-c", _workspace.check_umbrella_code("anyio._net"))

    command: list[str | Path] = [
        python,
        "-m",
        "pytest",
        "tests",
        "-p",
        "no:cacheprovider",
        "-q",
        "-m",
        "not network",
        "--timeout=20",
        "-rfE",
        "--tb=short",
    ]
    command += [f"--ignore={module}" for module in IGNORED_MODULES]
    command += [f"--deselect={test}" for test in INTERNAL]
    command += pytest_args
    return _workspace.run_suite(f"AnyIO {args.anyio}'s own test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
