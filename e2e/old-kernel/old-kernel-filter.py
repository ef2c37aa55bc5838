#!/usr/bin/python3
# Runs a command as if on an older kernel: each system call number given (N or FIRST-LAST) answers ENOSYS, as
# a kernel that predates the call does. A seccomp filter is inherited by every child and kept across exec, so
# the whole tree the command starts (the runtime, its threads, sync, sh...) sees the old kernel.
#   old-kernel-filter.py 299-511 -- COMMAND [ARG...]
import errno
import os
import sys

import seccomp

args = sys.argv[1:]
if "--" not in args:
    sys.exit("usage: old-kernel-filter.py NUMBER|FIRST-LAST... -- COMMAND [ARG...]")
split = args.index("--")
numbers = []
for item in args[:split]:
    first, _, last = item.partition("-")
    numbers.extend(range(int(first), int(last or first) + 1))
command = args[split + 1 :]
if not command:
    sys.exit("old-kernel-filter.py: no command given")
syscall_filter = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
for number in numbers:
    syscall_filter.add_rule(seccomp.ERRNO(errno.ENOSYS), number)
syscall_filter.load()
os.execvp(command[0], command)
