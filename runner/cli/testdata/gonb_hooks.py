# nbclient hooks of TestGoNB (runner/cli/gonb_test.go), loaded by `jupyter nbconvert --config` (c is the
# configuration Jupyter hands a config file).
#
# Before nbclient reaches each code cell of a notebook exported by the runner, even one it skips, it sends the
# cell's number (metadata.classnotes.cell) to the test, at CLASSNOTES_GONB_HOOK (host:port), and waits for the
# answer. At a server cell (background, tagged skip-execution: nbclient does not run it) the test starts the
# server and answers once it is ready, as a student starts it from a terminal before running its clients; so
# the cells before it, In [1] of Class 16 for instance, run with no server there, as in the lesson.
import os
import socket


def classnotes_cell_start(cell, cell_index, **kwargs):
    n = cell.get("metadata", {}).get("classnotes", {}).get("cell")
    if cell.get("cell_type") != "code" or n is None:
        return
    host, port = os.environ["CLASSNOTES_GONB_HOOK"].rsplit(":", 1)
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(b"%d\n" % n)
        answer = conn.makefile(encoding="utf-8").readline().strip()
    if answer != "ok":
        raise RuntimeError("In [%d]: %s" % (n, answer))


c.ExecutePreprocessor.on_cell_start = classnotes_cell_start  # noqa: F821 (c: the configuration)
