import { prepareStatementsOf, statementName, type PreparableClient } from './prepared-statements';

/** A pool double handing out one client that records what it was asked to run. */
function setup(maxPerSession = 2) {
  const calls: unknown[][] = [];
  const client: PreparableClient = { query: (...args: unknown[]) => calls.push(args) };
  const pool = {
    connect: (...args: unknown[]) => {
      if (typeof args[0] === 'function') return (args[0] as (...a: unknown[]) => void)(undefined, client, () => undefined);
      return Promise.resolve(client);
    },
  };
  prepareStatementsOf(pool, maxPerSession);
  const checkout = () => new Promise<PreparableClient>((resolve) => pool.connect((_: unknown, c: PreparableClient) => resolve(c)));
  return { pool, calls, checkout };
}

describe(prepareStatementsOf.name, () => {
  it('names a parameterised query after its text, the same name every time', async () => {
    const { calls, checkout } = setup();
    const sut = await checkout();

    sut.query('SELECT $1::int', [1]);
    (await checkout()).query('SELECT $1::int', [2]);

    expect(calls).toEqual([
      [{ name: statementName('SELECT $1::int'), text: 'SELECT $1::int', values: [1] }],
      [{ name: statementName('SELECT $1::int'), text: 'SELECT $1::int', values: [2] }],
    ]);
    expect(statementName('SELECT $1::int')).toMatch(/^agl_[0-9a-f]{20}$/);
    expect(statementName('SELECT $1::int')).not.toBe(statementName('SELECT $1::bigint'));
  });

  it('leaves queries without parameters and query objects as they are', async () => {
    const { calls, checkout } = setup();
    const sut = await checkout();
    const config = { text: 'SELECT 1' };

    sut.query('COMMIT');
    sut.query('SELECT 1', []);
    sut.query(config);

    expect(calls).toEqual([['COMMIT'], ['SELECT 1', []], [config]]);
  });

  it('prepares at most the configured number of texts per session and runs further ones unnamed', async () => {
    const { calls, checkout } = setup(2);
    const sut = await checkout();

    sut.query('SELECT $1', [1]);
    sut.query('SELECT $1, 2', [1]);
    sut.query('SELECT $1, 3', [1]);
    sut.query('SELECT $1', [4]);

    expect(calls[2]).toEqual(['SELECT $1, 3', [1]]);
    expect(calls[3]).toEqual([{ name: statementName('SELECT $1'), text: 'SELECT $1', values: [4] }]);
  });

  it('also names the queries of clients checked out with the promise form', async () => {
    const { pool, calls } = setup();
    const client = (await pool.connect()) as PreparableClient;

    client.query('SELECT $1', [1]);

    expect(calls[0]).toEqual([{ name: statementName('SELECT $1'), text: 'SELECT $1', values: [1] }]);
  });
});
