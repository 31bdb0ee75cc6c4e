"""`run_process()`: run a command to completion and collect its output."""

from __future__ import annotations

from subprocess import PIPE, CalledProcessError, CompletedProcess
from typing import IO, TYPE_CHECKING, Any

from anyio import BrokenResourceError, create_task_group

from ._process import open_process

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from _typeshed import StrOrBytesPath

    from anyio.abc import ByteReceiveStream, ByteSendStream


async def run_process(
    command: StrOrBytesPath | Sequence[StrOrBytesPath],
    *,
    input: bytes | None = None,  # noqa: A002 - subprocess.run's name
    stdin: int | IO[Any] | None = None,
    stdout: int | IO[Any] | None = PIPE,
    stderr: int | IO[Any] | None = PIPE,
    check: bool = True,
    cwd: StrOrBytesPath | None = None,
    env: Mapping[str, str] | None = None,
    startupinfo: Any = None,
    creationflags: int = 0,
    start_new_session: bool = False,
    pass_fds: Sequence[int] = (),
    user: str | int | None = None,
    group: str | int | None = None,
    extra_groups: Iterable[str | int] | None = None,
    umask: int = -1,
) -> CompletedProcess[bytes]:
    """Run a command, wait for it to finish and return what it printed.

    stdout and stderr (when piped, the default) are read concurrently while
    ``input`` is written, so no pipe can fill up and stall the child. If the
    call is cancelled, the child is killed and reaped before the cancellation
    goes on. The keyword arguments are those of `open_process()`, plus:

    Args:
        command: a ``str``/``bytes`` runs through the shell; a sequence runs
            the program directly.
        input: bytes to write to the child's stdin, which is then closed. Not
            together with ``stdin``.
        stdin: what the child's stdin is when there is no ``input`` (default:
            ours).
        check: raise `subprocess.CalledProcessError` if the exit code is not 0.

    Returns:
        The exit code and the collected stdout and stderr (None where not piped).

    Raises:
        subprocess.CalledProcessError: with ``check=True``, if the command
            failed; it carries the ``output`` and ``stderr`` collected.
        ValueError: if both ``input`` and ``stdin`` were given.
    """
    if input is not None:
        if stdin is not None:
            raise ValueError(
                "run_process() got both input and stdin: input is written to a pipe "
                "that becomes the child's stdin, so pass only one of them"
            )
        stdin = PIPE
    async with await open_process(
        command,
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        cwd=cwd,
        env=env,
        startupinfo=startupinfo,
        creationflags=creationflags,
        start_new_session=start_new_session,
        pass_fds=pass_fds,
        user=user,
        group=group,
        extra_groups=extra_groups,
        umask=umask,
    ) as process:
        collected: list[bytes | None] = [None, None]
        async with create_task_group() as tg:
            for index, stream in enumerate((process.stdout, process.stderr)):
                if stream is not None:
                    tg.start_soon(_drain, stream, collected, index)
            if process.stdin is not None:
                tg.start_soon(_feed, process.stdin, input or b"")
            returncode = await process.wait()
    output, errors = collected
    if check and returncode != 0:
        raise CalledProcessError(returncode, command, output, errors)
    return CompletedProcess(command, returncode, output, errors)


async def _drain(stream: ByteReceiveStream, collected: list[bytes | None], index: int) -> None:
    collected[index] = b"".join([chunk async for chunk in stream])


async def _feed(stream: ByteSendStream, data: bytes) -> None:
    try:
        if data:
            await stream.send(data)
    except BrokenResourceError:
        pass  # the child exited or closed its stdin without reading it all
    finally:
        await stream.aclose()
