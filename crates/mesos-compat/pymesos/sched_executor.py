"""A pymesos scheduler whose tasks run under a pymesos executor (executor.py, started by the
agent through CommandInfo). Messages go both ways: the executor greets, the scheduler tells
it to finish, and the task ends TASK_FINISHED."""
import os
import sys

from pymesos import MesosSchedulerDriver, Scheduler, decode_data, encode_data

from common import deadline, log, offered, scalar

TASKS = 2


class ExecutorScheduler(Scheduler):
    def __init__(self, python, here):
        self.python = python
        self.here = here
        self.launched = 0
        self.finished = set()
        self.greetings = set()
        self.failed = None

    def executor_info(self):
        return {
            "executor_id": {"value": "pymesos-executor"},
            "name": "pymesos executor",
            "command": {"value": "cd %s && exec %s executor.py" % (self.here, self.python)},
            "resources": [scalar("cpus", 0.1), scalar("mem", 64)],
        }

    def resourceOffers(self, driver, offers):
        for offer in offers:
            if self.launched >= TASKS or offered(offer, "cpus") < 0.5:
                driver.declineOffer(offer["id"], {"refuse_seconds": 60})
                continue
            tasks = []
            while self.launched < TASKS:
                self.launched += 1
                task_id = "exec-%d" % self.launched
                tasks.append({
                    "task_id": {"value": task_id},
                    "agent_id": offer["agent_id"],
                    "name": task_id,
                    "resources": [scalar("cpus", 0.1), scalar("mem", 32)],
                    "executor": self.executor_info(),
                })
            driver.launchTasks(offer["id"], tasks)

    def frameworkMessage(self, driver, executor_id, agent_id, message):
        text = decode_data(message).decode()
        log.info("scheduler got message %r from %s", text, executor_id["value"])
        if text.startswith("hello from "):
            task_id = text[len("hello from "):]
            self.greetings.add(task_id)
            driver.sendFrameworkMessage(executor_id, agent_id, encode_data(("finish " + task_id).encode()))

    def statusUpdate(self, driver, update):
        task_id = update["task_id"]["value"]
        state = update["state"]
        log.info("task %s is %s (%s)", task_id, state, update.get("message", ""))
        if state in ("TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_KILLED"):
            self.failed = "%s ended %s: %s" % (task_id, state, update.get("message"))
            driver.stop()
        elif state == "TASK_FINISHED":
            self.finished.add(task_id)
            if len(self.finished) == TASKS:
                print("FINISHED %d GREETED %d" % (len(self.finished), len(self.greetings)))
                driver.stop()


def main():
    master, python = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    scheduler = ExecutorScheduler(python, here)
    framework = {"user": "root", "name": "pymesos-executor", "hostname": "localhost"}
    driver = MesosSchedulerDriver(scheduler, framework, master, use_addict=True)
    deadline(120, driver)
    driver.run()
    if scheduler.failed:
        print("FAILED " + scheduler.failed)
        sys.exit(1)
    sys.exit(0 if len(scheduler.finished) == TASKS and len(scheduler.greetings) == TASKS else 2)


if __name__ == "__main__":
    main()
