import * as fs from 'node:fs';

// One process for good: its pid and, where /proc tells it, its start time (a reused pid is another process).

/** Fields 3 on of /proc/PID/stat (the state first), or undefined when there is no such process (or no /proc). */
export function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (field 22), or undefined when there is no such process. */
export function processStart(pid: number): string | undefined {
  return procStatFields(pid)?.[19];
}

/**
 * Whether the process `pid` that started at `start` still runs. Without /proc (Windows) only the pid can be
 * asked, so a reused pid counts as running: whatever it owns is then left, never wrongly taken.
 */
export function processRuns(pid: number, start: string): boolean {
  const now = processStart(pid);
  if (now !== undefined) return now === start;
  if (processStart(process.pid) !== undefined) return false; // /proc answers for us, so that pid is gone
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
