"""A pymesos scheduler that launches command tasks: two that finish and one that runs until
killed. Once the short ones finished and the long one runs, it reconciles explicitly (that
task) and implicitly (all tasks) and expects the master to report it running both times,
then kills it."""
import sys

from pymesos import MesosSchedulerDriver, Scheduler

from common import command_task, deadline, log, offered

SHORT = ["short-1", "short-2"]
LONG = "long-1"


class CommandScheduler(Scheduler):
    def __init__(self):
        self.launched = False
        self.finished = set()
        self.running = False
        self.reconciled = 0
        self.killed = False
        self.failed = None

    def registered(self, driver, framework_id, master_info):
        log.info("registered as %s", framework_id["value"])

    def resourceOffers(self, driver, offers):
        for offer in offers:
            if self.launched or offered(offer, "cpus") < 0.3:
                driver.declineOffer(offer["id"], {"refuse_seconds": 60})
                continue
            self.launched = True
            agent = offer["agent_id"]["value"]
            tasks = [command_task(t, agent, "echo hello from %s" % t) for t in SHORT]
            tasks.append(command_task(LONG, agent, "sleep 1000"))
            driver.launchTasks(offer["id"], tasks)

    def statusUpdate(self, driver, update):
        task_id = update["task_id"]["value"]
        state = update["state"]
        log.info("task %s is %s (%s, %s)", task_id, state, update.get("reason"), update.get("message", ""))
        if update.get("reason") == "REASON_RECONCILIATION":
            if task_id == LONG and state == "TASK_RUNNING":
                self.reconciled += 1
                if self.reconciled == 2:
                    print("RECONCILED")
                    driver.killTask({"value": LONG})
            return
        if task_id == LONG and state == "TASK_KILLED":
            self.killed = True
            print("KILLED")
            driver.stop()
        elif state in ("TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_KILLED"):
            self.failed = "%s ended %s: %s" % (task_id, state, update.get("message"))
            driver.stop()
        elif state == "TASK_FINISHED":
            self.finished.add(task_id)
        elif state == "TASK_RUNNING" and task_id == LONG:
            self.running = True
        if self.running and self.finished == set(SHORT) and self.reconciled == 0 and not self.killed:
            print("FINISHED %d" % len(self.finished))
            driver.reconcileTasks([{"task_id": {"value": LONG}}])
            driver.reconcileTasks([])
            self.running = False


def main():
    master = sys.argv[1]
    scheduler = CommandScheduler()
    framework = {"user": "root", "name": "pymesos-command", "hostname": "localhost"}
    driver = MesosSchedulerDriver(scheduler, framework, master, use_addict=True)
    deadline(120, driver)
    driver.run()
    if scheduler.failed:
        print("FAILED " + scheduler.failed)
        sys.exit(1)
    sys.exit(0 if scheduler.killed and scheduler.reconciled == 2 else 2)


if __name__ == "__main__":
    main()
