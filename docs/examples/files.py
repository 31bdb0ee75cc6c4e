"""Files and anyio.Path: file system access that does not block the event loop."""

from __future__ import annotations

import os
import pathlib

import anyio


async def main() -> None:
    async with anyio.TemporaryDirectory() as tmp:
        folder = anyio.Path(tmp)
        notes = folder / "notes.txt"  # pure operations stay synchronous

        await notes.write_text("first line\nsecond line\n")  # I/O is awaited
        print("exists:", await notes.exists(), "size:", (await notes.stat()).st_size)

        async with await anyio.open_file(notes) as f:
            async for line in f:
                print("read:", line.rstrip())

        async with await anyio.open_file(notes, "a") as f:
            await f.write("third line\n")
        print(await notes.read_text())

        async for entry in folder.iterdir():
            print("entry:", entry.name)

        # anyio.Path is not a pathlib.Path, but converts and compares cleanly.
        print("isinstance pathlib.Path:", isinstance(notes, pathlib.Path))
        print("equal to pathlib.Path:", notes == pathlib.Path(os.fspath(notes)))


if __name__ == "__main__":
    anyio.run(main)
