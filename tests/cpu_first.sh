#!/bin/bash
# cpu_first.sh CMD...: run CMD (make check's unit tests) in a CPU cgroup
# of its own at the highest weight, as every lab does (tests/lab/lab.sh,
# lab__cg_first; doc/lab.md): the sandbox's jobs run at SCHED_IDLE, nice
# 19, and on a busy machine (a desktop, a shared CI runner) they would
# get no CPU beside the machine's other work, which SCHED_IDLE ranks
# first within one cgroup.  The cgroup is removed afterwards.  Without
# root or a cpu controller CMD runs as it is.  LAB_CPU_FIRST=0 turns it
# off.  Exits with CMD's status.
set -u
. "$(dirname "$0")/lab/lab.sh"
LAB__ID=cct$$
lab__cg_first
"$@"
rc=$?
if [ -n "$LAB__CGHOME" ]; then
	lab__cg_leave
	for m in $(lab__cg_v2 2>/dev/null) $(lab__cg_v1 cpu.cfs_quota_us 2>/dev/null); do
		[ -d "$m/$LAB__ID" ] && rmdir "$m/$LAB__ID/t" "$m/$LAB__ID" 2>/dev/null
	done
fi
exit $rc
