/**
 * A test hook for the crash tests: with KAIZEN_FAULT_AT set to a step name, the process kills itself (SIGKILL, like
 * `kill -9` or the OOM killer: no cleanup runs) when a save reaches that step. Unset in production.
 */
export function faultPoint(step: "write" | "add" | "commit" | "ref" | "index"): void {
  if (process.env.KAIZEN_FAULT_AT === step) process.kill(process.pid, "SIGKILL");
}
