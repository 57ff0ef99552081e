"""Shared bits of the pymesos compatibility scripts: logging, a deadline, task dicts."""
import logging
import os
import sys
import threading
import time

logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                    format="%(asctime)s %(name)s %(levelname)s %(message)s")
log = logging.getLogger("compat")


def deadline(seconds, driver_holder):
    """Fails the script (exit 3) if it has not finished within `seconds`."""
    def expire():
        time.sleep(seconds)
        log.error("timed out after %s s", seconds)
        os._exit(3)
    threading.Thread(target=expire, daemon=True).start()


def scalar(name, value):
    return {"name": name, "type": "SCALAR", "scalar": {"value": value}}


def command_task(task_id, agent_id, command):
    return {
        "task_id": {"value": task_id},
        "agent_id": {"value": agent_id},
        "name": task_id,
        "resources": [scalar("cpus", 0.1), scalar("mem", 32)],
        "command": {"value": command},
    }


def offered(offer, name):
    return sum(r.get("scalar", {}).get("value", 0) for r in offer.get("resources", []) if r["name"] == name)


def write_result(path, value):
    """Writes `value` (a string) atomically for the test to read."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(value)
    os.rename(tmp, path)
