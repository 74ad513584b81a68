import { defaultConfig } from '@autoglm/shared-config';
import { parseReplicas, planDistributed, serviceCommand } from './launch-plan';

describe(planDistributed.name, () => {
  const ports = [40001, 40002, 40003];
  const freePort = async () => ports.shift() as number;

  it('starts storage first and the gateway last, one process per service by default', async () => {
    const sut = await planDistributed(defaultConfig(), {}, freePort);
    expect(sut.map((plan) => plan.label)).toEqual(['storage', 'analysis', 'crawler', 'sources', 'recommender', 'gateway']);
    expect(sut[0]).toEqual({ service: 'storage', replica: 1, label: 'storage', listen: { host: '127.0.0.1', port: 50051 }, env: {} });
    // The gateway listens on every address (0.0.0.0): it is probed on loopback.
    expect(sut[5].listen).toEqual({ host: '127.0.0.1', port: 3000 });
  });

  it('gives extra crawler and analysis replicas ports of their own; the first keeps the address the others call', async () => {
    const sut = await planDistributed(defaultConfig(), { crawler: 2, analysis: 2 }, freePort);
    const crawlers = sut.filter((plan) => plan.service === 'crawler');
    expect(crawlers.map((plan) => [plan.label, plan.listen.port, plan.env])).toEqual([
      ['crawler#1', 50053, {}],
      ['crawler#2', 40002, { GRPC_CRAWLER_URL: '127.0.0.1:40002' }],
    ]);
    expect(sut.find((plan) => plan.label === 'analysis#2')?.env).toEqual({ GRPC_ANALYSIS_URL: '127.0.0.1:40001' });
  });

  it('refuses port 0, which the other processes could not be told', async () => {
    const config = defaultConfig();
    config.http.port = 0;
    await expect(planDistributed(config, {}, freePort)).rejects.toThrow(/^PORT is 0/);
  });
});

describe(parseReplicas.name, () => {
  it('reads crawler=<n>,analysis=<n>', () => {
    expect(parseReplicas('crawler=2, analysis=3')).toEqual({ crawler: 2, analysis: 3 });
    expect(parseReplicas('')).toEqual({});
  });

  it.each(['storage=2', 'crawler=0', 'crawler=17', 'crawler', 'analysis=two'])('refuses %s, saying what it accepts', (value) => {
    expect(() => parseReplicas(value)).toThrow(/must be crawler=<n> or analysis=<n>/);
  });
});

describe(serviceCommand.name, () => {
  it('runs the built main.js, or the TypeScript source through the transpiling hook', () => {
    expect(serviceCommand('/r', 'crawler', false)).toEqual(['-r', '/r/tools/scripts/register-paths.js', '/r/dist/apps/crawler/src/main.js']);
    expect(serviceCommand('/r', 'crawler', true)).toEqual(['-r', '/r/tools/scripts/register-ts-source.js', '/r/apps/crawler/src/main.ts']);
  });
});
