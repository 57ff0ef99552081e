"""Scheduler failover with pymesos. `start <file>`: subscribe with a failover timeout, launch a
long task, write the framework id to <file> once it runs, then wait to be killed.
`resume <file>`: subscribe again with that framework id, reconcile, expect the task to be
reported running, kill it, expect TASK_KILLED."""
import sys

from pymesos import MesosSchedulerDriver, Scheduler

from common import command_task, deadline, log, offered, write_result

TASK = "long-task"


class First(Scheduler):
    def __init__(self, result):
        self.result = result
        self.launched = False

    def registered(self, driver, framework_id, master_info):
        self.framework_id = framework_id["value"]

    def resourceOffers(self, driver, offers):
        for offer in offers:
            if self.launched or offered(offer, "cpus") < 0.1:
                driver.declineOffer(offer["id"], {"refuse_seconds": 60})
                continue
            self.launched = True
            driver.launchTasks(offer["id"], [command_task(TASK, offer["agent_id"]["value"], "sleep 1000")])

    def statusUpdate(self, driver, update):
        log.info("task %s is %s", update["task_id"]["value"], update["state"])
        if update["state"] == "TASK_RUNNING":
            write_result(self.result, self.framework_id)
            print("RUNNING " + self.framework_id)
            sys.stdout.flush()


class Second(Scheduler):
    def __init__(self, framework_id):
        self.framework_id = framework_id
        self.seen_running = False
        self.killed = False

    def registered(self, driver, framework_id, master_info):
        # A new framework id would mean the failover did not happen.
        log.error("registered as a new framework %s", framework_id["value"])
        driver.stop()

    def reregistered(self, driver, master_info):
        log.info("re-registered as %s", self.framework_id)
        driver.reconcileTasks([{"task_id": {"value": TASK}}])

    def resourceOffers(self, driver, offers):
        for offer in offers:
            driver.declineOffer(offer["id"], {"refuse_seconds": 60})

    def statusUpdate(self, driver, update):
        state = update["state"]
        log.info("task %s is %s (%s)", update["task_id"]["value"], state, update.get("reason"))
        if state == "TASK_RUNNING" and not self.seen_running:
            self.seen_running = True
            print("RECONCILED RUNNING")
            driver.killTask({"value": TASK})
        elif state == "TASK_KILLED":
            self.killed = True
            print("KILLED")
            driver.stop()


def main():
    mode, master, result = sys.argv[1], sys.argv[2], sys.argv[3]
    framework = {"user": "root", "name": "pymesos-failover", "hostname": "localhost", "failover_timeout": 300.0}
    if mode == "start":
        scheduler = First(result)
        driver = MesosSchedulerDriver(scheduler, framework, master, use_addict=True)
        deadline(120, driver)
        driver.run()
    else:
        framework_id = open(result).read().strip()
        framework["id"] = {"value": framework_id}
        scheduler = Second(framework_id)
        driver = MesosSchedulerDriver(scheduler, framework, master, use_addict=True)
        deadline(120, driver)
        driver.run()
        sys.exit(0 if scheduler.seen_running and scheduler.killed else 2)


if __name__ == "__main__":
    main()
