"""Lists the role's tasks that hand the passphrase to a module without no_log: true (one per line).

A task "touches" the passphrase when a template in its module arguments reads mobility_service_passphrase; conditions
(when, an assertion's that) and a task's own vars only decide, Ansible never prints them. Blocks are walked.
Run by deploy/tests/ansible-role-static.test.ts with Debian's Python (its yaml module comes with ansible)."""
import glob
import os
import re
import sys

import yaml

NOT_MODULE = {
    "name", "when", "vars", "register", "changed_when", "failed_when", "no_log", "check_mode", "block",
    "rescue", "always", "tags", "loop", "loop_control", "become", "delegate_to", "run_once", "ignore_errors",
}


def walk(tasks, where, inherited_no_log=False):
    for task in tasks or []:
        no_log = bool(task.get("no_log", inherited_no_log))
        for section in ("block", "rescue", "always"):
            if section in task:
                yield from walk(task[section], where, no_log)
        args = {key: value for key, value in task.items() if key not in NOT_MODULE}
        for assertion in ("ansible.builtin.assert", "assert"):
            # An assertion's conditions are evaluated, never printed (its fail_msg is).
            if isinstance(args.get(assertion), dict):
                args[assertion] = {k: v for k, v in args[assertion].items() if k != "that"}
        templates = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", yaml.safe_dump(args, width=100000), re.S)
        if any("mobility_service_passphrase" in template for template in templates) and not no_log:
            yield "%s: %s" % (where, task.get("name", "(unnamed)"))


role = sys.argv[1]
found = []
for path in sorted(glob.glob(os.path.join(role, "tasks", "*.yml"))):
    with open(path) as handle:
        found.extend(walk(yaml.safe_load(handle), os.path.relpath(path, role)))
print("\n".join(found))
