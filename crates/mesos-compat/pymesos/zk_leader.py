"""Prints the leading master of a ZooKeeper group as a kazoo reader finds it, the way
ecosystem tools do: the lowest-sequence json.info_ child's MasterInfo, address.ip:port."""
import json
import sys

from kazoo.client import KazooClient


def main():
    hosts, path = sys.argv[1], sys.argv[2]
    zk = KazooClient(hosts=hosts)
    zk.start(timeout=20)
    try:
        members = [c for c in zk.get_children(path) if c.startswith("json.info_")]
        leader = min(members, key=lambda c: int(c.split("_")[-1]))
        data, _ = zk.get(path + "/" + leader)
        info = json.loads(data.decode("utf-8"))
        print("%s:%d %s" % (info["address"]["ip"], info["address"]["port"], info["id"]))
    finally:
        zk.stop()


if __name__ == "__main__":
    main()
