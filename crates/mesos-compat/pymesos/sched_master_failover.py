"""A pymesos scheduler given a zk:// master: it launches a long task, writes <running> once
the task runs (the test then kills the leading master), follows pymesos' own ZooKeeper
detector to the next leader, reconciles until that master reports the task running, kills
it and expects TASK_KILLED."""
import os
import sys
import threading
import time

from pymesos import MesosSchedulerDriver, Scheduler

from common import command_task, deadline, log, offered, write_result

TASK = "survivor"


class FollowingScheduler(Scheduler):
    def __init__(self, running_file):
        self.running_file = running_file
        self.launched = False
        self.ran = False
        self.followed = False
        self.masters = []

    def registered(self, driver, framework_id, master_info):
        # pymesos describes the master it talks to by the address it detected.
        self.masters.append("%s:%s" % (master_info["hostname"], master_info["port"]))
        log.info("registered as %s with %s", framework_id["value"], self.masters[-1])

    def reregistered(self, driver, master_info):
        self.masters.append("%s:%s" % (master_info["hostname"], master_info["port"]))
        log.info("re-registered with %s", self.masters[-1])
        threading.Thread(target=self.reconcile_until_running, args=(driver,), daemon=True).start()

    def reconcile_until_running(self, driver):
        # The new leader hears of the task once its agent re-registered there.
        while not self.followed:
            driver.reconcileTasks([{"task_id": {"value": TASK}}])
            time.sleep(1)

    def resourceOffers(self, driver, offers):
        for offer in offers:
            if self.launched or offered(offer, "cpus") < 0.1:
                driver.declineOffer(offer["id"], {"refuse_seconds": 60})
                continue
            self.launched = True
            driver.launchTasks(offer["id"], [command_task(TASK, offer["agent_id"]["value"], "sleep 1000")])

    def statusUpdate(self, driver, update):
        state = update["state"]
        log.info("task %s is %s (%s)", update["task_id"]["value"], state, update.get("reason"))
        if state == "TASK_RUNNING" and not self.ran:
            self.ran = True
            write_result(self.running_file, "running")
        elif state == "TASK_RUNNING" and len(self.masters) > 1 and not self.followed:
            self.followed = True
            print("FOLLOWED RUNNING %d masters" % len(set(self.masters)))
            sys.stdout.flush()
            driver.killTask({"value": TASK})
        elif state == "TASK_KILLED" and self.followed:
            print("KILLED")
            sys.stdout.flush()
            driver.stop()
        elif state in ("TASK_FAILED", "TASK_ERROR", "TASK_KILLED", "TASK_FINISHED"):
            log.error("the task ended %s before the failover was followed", state)
            os._exit(2)


def main():
    master, running_file = sys.argv[1], sys.argv[2]
    framework = {
        "user": "root",
        "name": "pymesos-master-failover",
        "hostname": "localhost",
        "failover_timeout": 300.0,
        "checkpoint": True,
    }
    scheduler = FollowingScheduler(running_file)
    driver = MesosSchedulerDriver(scheduler, framework, master, use_addict=True)
    deadline(150, driver)
    driver.run()


if __name__ == "__main__":
    main()
