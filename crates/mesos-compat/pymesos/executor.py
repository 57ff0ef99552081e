"""A pymesos executor: runs no process, just answers. On LAUNCH it reports TASK_RUNNING and
sends the scheduler a message; when the scheduler answers "finish <task>" it reports
TASK_FINISHED and, once it has no tasks left, stops."""
import sys
import threading
import time

from pymesos import Executor, MesosExecutorDriver, decode_data, encode_data

from common import log


class EchoExecutor(Executor):
    def __init__(self):
        self.tasks = set()
        self.lock = threading.Lock()

    def registered(self, driver, executor_info, framework_info, agent_info):
        log.info("executor registered for framework %s", framework_info["id"]["value"])

    def launchTask(self, driver, task):
        task_id = task["task_id"]["value"]
        with self.lock:
            self.tasks.add(task_id)
        driver.sendStatusUpdate({"task_id": task["task_id"], "state": "TASK_RUNNING", "timestamp": time.time()})
        driver.sendFrameworkMessage(encode_data(("hello from " + task_id).encode()))

    def frameworkMessage(self, driver, message):
        text = decode_data(message).decode()
        log.info("executor got message %r", text)
        if text.startswith("finish "):
            task_id = text[len("finish "):]
            driver.sendStatusUpdate({"task_id": {"value": task_id}, "state": "TASK_FINISHED",
                                     "message": "finished on request", "timestamp": time.time()})
            with self.lock:
                self.tasks.discard(task_id)
                done = not self.tasks
            if done:
                # Leave the agent time to take the update before the stream goes.
                threading.Timer(1.0, driver.stop).start()

    def killTask(self, driver, task_id):
        driver.sendStatusUpdate({"task_id": task_id, "state": "TASK_KILLED", "timestamp": time.time()})


if __name__ == "__main__":
    MesosExecutorDriver(EchoExecutor(), use_addict=True).run()
    sys.exit(0)
