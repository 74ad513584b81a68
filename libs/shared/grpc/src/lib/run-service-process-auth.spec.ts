import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { RunningService } from './grpc-service-host';
import { runServiceProcess } from './run-service-process';

describe(`${runServiceProcess.name} and gRPC authentication`, () => {
  const saved = { ...process.env };
  let dir: string;
  let exit: jest.SpyInstance;
  let fatal: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'autoglm-run-service-'));
    writeFileSync(join(dir, 'config.yaml'), '');
    for (const name of Object.keys(process.env)) if (name.startsWith('GRPC_')) delete process.env[name];
    process.env['AUTOGLM_CONFIG'] = join(dir, 'config.yaml');
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    fatal = jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
  });

  afterEach(() => {
    process.env = { ...saved };
    exit.mockRestore();
    fatal.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a service whose start only records that it was called; resolves once the process would exit or the service started. */
  async function run(deployment?: 'embedded' | 'distributed', name = 'probe'): Promise<{ started: boolean }> {
    let started = false;
    const start = async (): Promise<RunningService> => {
      started = true;
      return { name: 'probe', close: async () => undefined };
    };
    if (deployment) runServiceProcess(name, start, deployment);
    else runServiceProcess(name, start);
    await new Promise((resolve) => setImmediate(resolve));
    return { started };
  }

  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  afterEach(() => {
    // A started probe registered its signal handlers: remove those (only those) so no later signal reaches it.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  });

  it('refuses to start a distributed service without GRPC_AUTH_TOKEN, saying how to fix it', async () => {
    expect(await run()).toEqual({ started: false });
    expect(exit).toHaveBeenCalledWith(1);
    expect(fatal).toHaveBeenCalledWith(expect.stringMatching(/^invalid configuration: GRPC_AUTH_TOKEN is not set.*GRPC_ALLOW_UNAUTHENTICATED=true/));
  });

  it('starts a distributed service given the token, or told to allow unauthenticated callers', async () => {
    process.env['GRPC_AUTH_TOKEN'] = 'a'.repeat(48);
    expect(await run('distributed')).toEqual({ started: true });
    delete process.env['GRPC_AUTH_TOKEN'];
    process.env['GRPC_ALLOW_UNAUTHENTICATED'] = 'true';
    expect(await run('distributed')).toEqual({ started: true });
    expect(exit).not.toHaveBeenCalled();
  });

  it('starts the embedded launcher without a token (its process makes one)', async () => {
    expect(await run('embedded')).toEqual({ started: true });
    expect(exit).not.toHaveBeenCalled();
  });

  it('refuses a queue service of a distributed deployment without REDIS_URL instead of giving it a private queue', async () => {
    process.env['GRPC_AUTH_TOKEN'] = 'a'.repeat(48);
    delete process.env['REDIS_URL'];
    expect(await run('distributed', 'crawler')).toEqual({ started: false });
    expect(exit).toHaveBeenCalledWith(1);
    expect(fatal).toHaveBeenCalledWith(expect.stringMatching(/^invalid configuration: REDIS_URL is not set: crawler runs on its own/));
  });
});
