"""Subprocesses: run a command to completion, then talk JSON lines to a Python child."""

from __future__ import annotations

import json
import sys

import anyio
from anyio.streams.buffered import BufferedByteReceiveStream

# The child: answers each JSON line on stdin with one on stdout, until stdin closes.
CHILD = """
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    print(json.dumps({"id": request["id"], "upper": request["text"].upper()}), flush=True)
"""


async def main() -> None:
    # A sequence runs the program directly; a str would run through the shell.
    result = await anyio.run_process([sys.executable, "-c", "print('hello from a child')"])
    print(result.returncode, result.stdout)

    # input= goes to the child's stdin, which is then closed; output is collected meanwhile.
    sorted_lines = await anyio.run_process(
        [sys.executable, "-c", "import sys; print(''.join(sorted(sys.stdin)), end='')"],
        input=b"pear\napple\n",
    )
    print(sorted_lines.stdout)

    # A long-lived child, spoken to over its pipes (the shape of MCP's stdio transport).
    async with await anyio.open_process([sys.executable, "-c", CHILD]) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        lines = BufferedByteReceiveStream(process.stdout)
        for number, text in enumerate(["ping", "pong"]):
            request = {"id": number, "text": text}
            await process.stdin.send(json.dumps(request).encode() + b"\n")
            print(json.loads(await lines.receive_until(b"\n", 65536)))
        await process.stdin.aclose()  # end of input: the child's loop ends, it exits
    print("exit code:", process.returncode)


if __name__ == "__main__":
    anyio.run(main)
