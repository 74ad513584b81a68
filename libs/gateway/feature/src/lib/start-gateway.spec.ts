import { defaultConfig } from '@autoglm/shared-config';
import { startGateway, type RunningGateway } from './start-gateway';

describe(startGateway.name, () => {
  let sut: RunningGateway | undefined;

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('listens on a free port when asked for port 0 and reports the real one', async () => {
    sut = await startGateway({ ...defaultConfig(), http: { host: '127.0.0.1', port: 0 } });

    expect(sut.name).toBe('gateway');
    expect(sut.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sut.url.endsWith(':0')).toBe(false);
    const spec = await fetch(`${sut.url}/docs-json`);
    expect(spec.status).toBe(200);
  });

  it('stops listening on close', async () => {
    const running = await startGateway({ ...defaultConfig(), http: { host: '127.0.0.1', port: 0 } });

    await running.close();

    await expect(fetch(`${running.url}/docs-json`)).rejects.toThrow();
  });
});
