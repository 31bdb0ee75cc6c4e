"""Temporary files and directories, deleted even when the block is cancelled."""

from __future__ import annotations

import anyio


async def main() -> None:
    async with anyio.TemporaryFile() as f:
        await f.write(b"scratch data")
        await f.seek(0)
        print(await f.read())

    async with anyio.NamedTemporaryFile("w", suffix=".txt") as f:
        await f.write("visible to other processes by name")
        print("named:", str(f.name).endswith(".txt"))

    # Stays in memory until it grows beyond max_size, then moves to a real file.
    async with anyio.SpooledTemporaryFile(max_size=1024) as f:
        await f.write(b"x" * 10)
        await f.seek(0)
        print(len(await f.read()), "bytes, kept in memory")

    with anyio.move_on_after(0.01):
        async with anyio.TemporaryDirectory() as name:
            path = anyio.Path(name)
            await anyio.sleep_forever()  # cancelled here; the directory is still removed
    print("directory removed:", not await path.exists())


if __name__ == "__main__":
    anyio.run(main)
