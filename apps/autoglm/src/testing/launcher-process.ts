import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@autoglm/shared-testing';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * `npm run start:distributed` run from the sources (distributed-main.ts through the transpiling
 * require hook, which starts every service from its sources too), its output kept line by line.
 */
export class LauncherProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>, args: string[] = []) {
    const main = join(ROOT, 'apps', 'autoglm', 'src', 'distributed-main.ts');
    this.child = spawn(process.execPath, ['-r', join(ROOT, 'tools', 'scripts', 'register-ts-source.js'), main, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    const collect = (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The gateway's URL once every process accepts connections. */
  started(timeoutMs: number): Promise<string> {
    return this.waitForLine(/Open-AutoGLM is running \(distributed, \d+ processes\): (http:\/\/\S+)/, timeoutMs).then((match) => match[1]);
  }

  /** The first line (from `from` on) matching `pattern`; the launcher's exit ends the wait. */
  waitForLine(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return waitFor(
      `a line matching ${pattern}`,
      async () => {
        for (let i = from; i < this.lines.length; i++) {
          const match = pattern.exec(this.lines[i]);
          if (match) return match;
        }
        if (this.child.exitCode !== null) throw new Error(`the launcher exited:\n${this.lines.slice(-40).join('\n')}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 100, fatal: (error) => /the launcher exited/.test((error as Error).message) },
    );
  }

  /** The process id of a service process (its latest start), as the launcher reported it. */
  pidOf(label: string): number {
    const pattern = new RegExp(`^\\[launcher\\] ${label.replace('#', '\\#')} started \\(pid (\\d+)\\)`);
    const pids = this.lines.map((line) => pattern.exec(line)?.[1]).filter((pid): pid is string => pid !== undefined);
    if (pids.length === 0) throw new Error(`no process ${label} was started`);
    return Number(pids[pids.length - 1]);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Last resort after a failed spec: the launcher and, through their process groups, its services. */
  kill(): void {
    for (const line of this.lines) {
      const pid = /^\[launcher\] \S+ started \(pid (\d+)\)/.exec(line)?.[1];
      if (pid) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
