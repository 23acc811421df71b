"""How many acknowledged writes SecantusDB keeps when it is killed (SIGKILL) right after them.

Usage (from the repository, after `make setup`):
    .venv/bin/python deploy/local/checks/database-durability.py [--writes 2000] [--runs 3]

For each mode (single inserts, bulk inserts of 100; each without and with write concern `j: true`) it starts
a throwaway server on a free port and a fresh storage path, writes, SIGKILLs the server at once, starts it
again on the same path, and prints how many acknowledged documents are left. This is why every stage batch
ends with a journaled write and the outbound claims are journaled (README, "Delivery guarantees").
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pymongo

SERVER = os.path.join(os.path.dirname(sys.executable), "secantusd-py")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(port, path, log):
    server = subprocess.Popen(
        [SERVER, "--host", "127.0.0.1", "--port", str(port), "--standalone", "--storage-path", path],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            client = pymongo.MongoClient(
                f"mongodb://127.0.0.1:{port}/?retryWrites=false", serverSelectionTimeoutMS=200)
            client.admin.command("ping")
            return server, client
        except pymongo.errors.PyMongoError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the database did not start within 30 s")


def run(mode, journaled, writes, folder):
    path = tempfile.mkdtemp(dir=folder)
    port = free_port()
    with open(os.path.join(folder, "server.log"), "a") as log:
        server, client = start(port, path, log)
        concern = pymongo.WriteConcern(j=True) if journaled else pymongo.WriteConcern()
        docs = client.durability.get_collection("docs", write_concern=concern)
        acknowledged = 0
        if mode == "single":
            for number in range(writes):
                docs.insert_one({"_id": number, "v": "x" * 100})
                acknowledged += 1
        else:
            for start_at in range(0, writes, 100):
                docs.insert_many([{"_id": n, "v": "x" * 100} for n in range(start_at, min(start_at + 100, writes))])
                acknowledged = min(start_at + 100, writes)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        server, client = start(port, path, log)
        kept = client.durability.docs.count_documents({})
        server.terminate()
        server.wait()
    shutil.rmtree(path, ignore_errors=True)
    return acknowledged, kept


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="switchboard-durability-")
    print(f"{'mode':<22}{'acknowledged':>14}{'kept after SIGKILL':>20}")
    for mode in ("single", "bulk of 100"):
        for journaled in (False, True):
            for _ in range(options.runs):
                acknowledged, kept = run(mode.split()[0], journaled, options.writes, folder)
                label = f"{mode}{', j: true' if journaled else ''}"
                print(f"{label:<22}{acknowledged:>14}{kept:>20}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
