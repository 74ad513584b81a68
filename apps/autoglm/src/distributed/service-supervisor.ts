import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { ServiceProcessPlan } from './launch-plan';

/** Where the supervisor's own lines and its children's prefixed lines go. */
export type LineSink = (line: string) => void;

export interface SupervisorOptions {
  /** node's arguments for a service (serviceCommand). */
  command: (plan: ServiceProcessPlan) => string[];
  /** The environment every child starts from (the launcher's, plus a made-up service token if needed). */
  env: Record<string, string | undefined>;
  /** A child's own shutdown deadline (SHUTDOWN_TIMEOUT_MS): past twice that, the supervisor kills what is left. */
  shutdownTimeoutMs: number;
  /** How long a process may take to accept connections after it was started. */
  startTimeoutMs: number;
  out: LineSink;
  /** Restart delays after a crash: doubling from `restartDelayMs` up to 30 s. */
  restartDelayMs?: number;
}

interface Supervised {
  plan: ServiceProcessPlan;
  child: ChildProcess | undefined;
  exited: Promise<number | null> | undefined;
  restarts: number;
  ready: boolean;
  timer?: NodeJS.Timeout;
}

/** Resolves true once something accepts TCP connections on the address. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs each service of a distributed deployment as a child process (its own process group, so a
 * terminal's Ctrl-C reaches only the supervisor, which stops them in order), prefixes their
 * output with their label, and:
 * - at start: refuses ports already in use, starts storage first (it migrates the database) and
 *   the rest once it accepts connections; a process that exits before it accepts connections
 *   stops everything (its own output says why, e.g. a configuration error);
 * - later: restarts a process that exits on its own, after 1, 2, 4 … 30 s (what Kubernetes does
 *   for a pod), so a crash or `kill -9` costs only the jobs the queue hands to another worker;
 * - on stop: SIGTERM to every service but storage, then, once they exited, to storage (the others
 *   finish their jobs through it); what is still running at twice SHUTDOWN_TIMEOUT_MS is killed.
 */
export class ServiceSupervisor {
  private readonly processes: Supervised[];
  private stopping: Promise<number> | undefined;

  constructor(
    plans: ServiceProcessPlan[],
    private readonly options: SupervisorOptions,
  ) {
    this.processes = plans.map((plan) => ({ plan, child: undefined, exited: undefined, restarts: 0, ready: false }));
  }

  /** Starts every process; resolves once all accept connections, rejects (after stopping the others) if one cannot start. */
  async start(): Promise<void> {
    for (const entry of this.processes) {
      const { host, port } = entry.plan.listen;
      if (await accepts(host, port)) throw new Error(`${entry.plan.label}: port ${port} on ${host} is already in use`);
    }
    const [first, ...rest] = this.processes;
    try {
      await this.launch(first);
      await Promise.all(rest.map((entry) => this.launch(entry)));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The process id of a running process, by label (tests use it to inject faults). */
  pidOf(label: string): number | undefined {
    return this.processes.find((entry) => entry.plan.label === label)?.child?.pid;
  }

  /** Stops every process in order; resolves with the exit code the launcher should end with (0: all stopped cleanly). */
  stop(): Promise<number> {
    return (this.stopping ??= this.stopAll());
  }

  private async launch(entry: Supervised): Promise<void> {
    this.spawn(entry);
    const { host, port } = entry.plan.listen;
    const deadline = Date.now() + this.options.startTimeoutMs;
    while (!(await accepts(host, port))) {
      if (entry.child?.exitCode !== null || entry.child?.signalCode !== null) {
        throw new Error(`${entry.plan.label} exited during start-up (code ${entry.child?.exitCode ?? entry.child?.signalCode}); its output above says why`);
      }
      if (Date.now() > deadline) throw new Error(`${entry.plan.label} did not accept connections on ${host}:${port} within ${this.options.startTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    entry.ready = true;
  }

  private spawn(entry: Supervised): void {
    const { plan } = entry;
    const child = spawn(process.execPath, this.options.command(plan), {
      env: { ...this.options.env, ...plan.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    entry.child = child;
    entry.ready = false;
    this.options.out(`[launcher] ${plan.label} started (pid ${child.pid})`);
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.options.out(`[${plan.label}] ${line}`);
      });
      stream?.on('end', () => partial && this.options.out(`[${plan.label}] ${partial}`));
    }
    entry.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve(code);
        if (this.stopping || !entry.ready) return;
        // It ran and ended on its own (a crash, an OOM kill, kill -9): start it again, like a pod's restart policy.
        this.options.out(`[launcher] ${plan.label} exited (${signal ?? `code ${code}`})`);
        this.restartLater(entry);
      }),
    );
  }

  private restartLater(entry: Supervised): void {
    const delay = Math.min(MAX_RESTART_DELAY_MS, (this.options.restartDelayMs ?? 1_000) * 2 ** Math.min(entry.restarts, 10));
    entry.restarts++;
    this.options.out(`[launcher] restarting ${entry.plan.label} in ${delay} ms`);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      this.launch(entry).then(
        () => this.options.out(`[launcher] ${entry.plan.label} is back`),
        (error: Error) => {
          this.options.out(`[launcher] ${error.message}`);
          // A restart that hangs is killed; either way it is tried again later.
          if (entry.child?.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGKILL');
          if (!this.stopping) this.restartLater(entry);
        },
      );
    }, delay);
  }

  private async stopAll(): Promise<number> {
    for (const entry of this.processes) clearTimeout(entry.timer);
    const storage = this.processes.filter((entry) => entry.plan.service === 'storage');
    const others = this.processes.filter((entry) => entry.plan.service !== 'storage');
    const killAt = Date.now() + 2 * this.options.shutdownTimeoutMs;
    const codes = [...(await this.terminate(others, killAt)), ...(await this.terminate(storage, killAt))];
    return codes.every((code) => code === 0) ? 0 : 1;
  }

  /** SIGTERM to each running process, SIGKILL to any still running at `killAt`; the exit codes of those that ran. */
  private async terminate(entries: Supervised[], killAt: number): Promise<Array<number | null>> {
    const running = entries.filter((entry) => entry.child && entry.child.exitCode === null && entry.child.signalCode === null);
    for (const entry of running) entry.child?.kill('SIGTERM');
    const watchdog = setTimeout(() => {
      for (const entry of running) {
        if (entry.child?.exitCode !== null || entry.child?.signalCode !== null) continue;
        this.options.out(`[launcher] ${entry.plan.label} did not stop in time; killing it`);
        entry.child.kill('SIGKILL');
      }
    }, Math.max(0, killAt - Date.now()));
    const codes = await Promise.all(running.map((entry) => entry.exited as Promise<number | null>));
    clearTimeout(watchdog);
    return codes;
  }
}
