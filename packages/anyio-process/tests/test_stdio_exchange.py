"""The real-program proof: an MCP-style stdio exchange on every backend variant.

The parent talks line-delimited JSON-RPC to a Python child over its stdin and
stdout, as MCP's stdio transport does: an ``initialize`` handshake, many
concurrent ``tools/call`` requests whose answers come back matched by id,
server notifications interleaved, log lines on stderr, and a clean shutdown
by closing stdin.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

import anyio
from anyio.streams.buffered import BufferedByteReceiveStream

pytestmark = pytest.mark.anyio

SERVER = r"""
import json, sys
print("server starting", file=sys.stderr, flush=True)
for line in sys.stdin:
    request = json.loads(line)
    method = request["method"]
    if method == "initialize":
        result = {"protocolVersion": "2025-06-18", "serverInfo": {"name": "upper"}}
    elif method == "tools/call":
        text = request["params"]["arguments"]["text"]
        note = {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"id": request["id"]}}
        sys.stdout.write(json.dumps(note) + "\n")
        result = {"content": [{"type": "text", "text": text.upper()}]}
    else:
        result = {"error": "unknown method " + method}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}) + "\n")
    sys.stdout.flush()
print("server done", file=sys.stderr, flush=True)
"""


class Client:
    """A minimal JSON-RPC client over a child's stdin/stdout, answers matched by id."""

    def __init__(self, process: anyio.abc.Process) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        self._stdin = process.stdin
        self._stdout = BufferedByteReceiveStream(process.stdout)
        self._next_id = 0
        self._pending: dict[int, Any] = {}
        self._send_lock = anyio.Lock()
        self.notifications: list[dict[str, Any]] = []

    async def read_messages(self) -> None:
        while True:
            try:
                line = await self._stdout.receive_until(b"\n", 1 << 20)
            except anyio.IncompleteRead:
                return  # the server closed stdout
            message = json.loads(line)
            if "id" in message:
                future = self._pending.pop(message["id"])
                future["result"] = message["result"]
                future["event"].set()
            else:
                self.notifications.append(message)

    async def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        self._next_id += 1
        request_id = self._next_id
        future: dict[str, Any] = {"event": anyio.Event()}
        self._pending[request_id] = future
        line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        async with self._send_lock:
            await self._stdin.send(line.encode() + b"\n")
        await future["event"].wait()
        return future["result"]

    async def close(self) -> None:
        await self._stdin.aclose()


async def test_json_lines_exchange_with_a_python_child() -> None:
    answers: dict[str, str] = {}
    with anyio.fail_after(30):
        async with await anyio.open_process([sys.executable, "-c", SERVER]) as process:
            client = Client(process)
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.read_messages)
                hello = await client.request("initialize", {"capabilities": {}})
                assert hello["serverInfo"] == {"name": "upper"}

                async def call(text: str) -> None:
                    result = await client.request(
                        "tools/call", {"name": "upper", "arguments": {"text": text}}
                    )
                    answers[text] = result["content"][0]["text"]

                async with anyio.create_task_group() as calls:
                    for index in range(50):
                        calls.start_soon(call, f"message {index}")
                await client.close()  # the server's stdin loop ends; it exits
            assert await process.wait() == 0
            assert process.stderr is not None
            log = b"".join([chunk async for chunk in process.stderr])
    assert answers == {f"message {i}": f"MESSAGE {i}" for i in range(50)}
    assert len(client.notifications) == 50
    assert log == b"server starting\nserver done\n"
