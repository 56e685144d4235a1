"""Executes a notebook with Jupyter's nbclient, keeping outputs that arrive late.

Usage: python3 _run_notebook.py IN.ipynb OUT.ipynb [--allow-errors] [--timeout SECONDS_PER_CELL]

Deno's kernel (2.9) sometimes publishes a cell's outputs on IOPub after the "idle" status
that ends the cell, or while the next cell runs. Plain nbclient (and so
`jupyter nbconvert --execute`) drops those outputs, which makes executed notebooks lose
prints and charts at random. This client files every IOPub message under the cell whose
request it answers, whenever it arrives, and after the last cell waits until the kernel has
been quiet for a moment. OUT is written only when the run succeeds (with --allow-errors,
cell errors are kept as outputs and the run still succeeds). Cells run in IN's folder.
"""

import argparse
import asyncio
import os
import queue
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

QUIET_SECONDS = 0.5  # after the last cell: stop once no message came for this long
DRAIN_LIMIT_SECONDS = 10.0


class LateOutputClient(NotebookClient):
    """An nbclient that routes each IOPub message to the cell that caused it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._owners = {}  # request msg_id -> (cell, cell_index)

    def _file_message(self, msg):
        """Processes msg for its cell; returns that cell's index when msg ends the cell."""
        owner = self._owners.get(msg["parent_header"].get("msg_id"))
        if owner is None:
            return None
        try:
            self.process_message(msg, owner[0], owner[1])
        except CellExecutionComplete:
            return owner[1]
        return None

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self._owners[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if self._file_message(msg) == cell_index:
                return

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        if cell_index == len(self.nb.cells) - 1:
            await self._drain()
        return result

    async def _drain(self):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_LIMIT_SECONDS
        while loop.time() < deadline:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=QUIET_SECONDS))
            except queue.Empty:
                return
            self._file_message(msg)


def main(argv):
    parser = argparse.ArgumentParser(description="Execute a notebook on the Deno kernel.")
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--allow-errors", action="store_true")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    options = parser.parse_args(argv)
    notebook = nbformat.read(options.source, as_version=4)
    client = LateOutputClient(
        notebook,
        kernel_name="deno",
        timeout=options.timeout,
        allow_errors=options.allow_errors,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(options.source))}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        sys.exit(str(error))
    nbformat.write(notebook, options.target)


if __name__ == "__main__":
    main(sys.argv[1:])
