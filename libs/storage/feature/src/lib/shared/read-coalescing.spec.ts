import { ReadCoalescing } from './read-coalescing';

function deferred<V>(): { promise: Promise<V>; resolve(value: V): void; reject(error: unknown): void } {
  let resolve!: (value: V) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(ReadCoalescing.name, () => {
  let sut: ReadCoalescing;

  beforeEach(() => {
    sut = new ReadCoalescing();
  });

  it('answers identical reads in flight at once with one load', async () => {
    const query = deferred<string>();
    const load = jest.fn(() => query.promise);

    const answers = [sut.read('k', load), sut.read('k', load), sut.read('k', load)];
    query.resolve('rows');

    expect(await Promise.all(answers)).toEqual(['rows', 'rows', 'rows']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads reads with other keys on their own', async () => {
    const load = jest.fn((key: string) => Promise.resolve(key));

    expect(await Promise.all([sut.read('a', () => load('a')), sut.read('b', () => load('b'))])).toEqual(['a', 'b']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing once a read is answered', async () => {
    const load = jest.fn(() => Promise.resolve(1));

    await sut.read('k', load);
    await sut.read('k', load);

    expect(load).toHaveBeenCalledTimes(2);
    expect(sut.pending).toBe(0);
  });

  it('starts a new load for a read that arrives after a write, while the older one is still in flight', async () => {
    const before = deferred<string>();
    const after = deferred<string>();
    const first = sut.read('k', () => before.promise);

    sut.changed();
    const second = sut.read('k', () => after.promise);
    const third = sut.read('k', () => Promise.resolve('unused'));
    before.resolve('old rows');
    after.resolve('new rows');

    expect(await Promise.all([first, second, third])).toEqual(['old rows', 'new rows', 'new rows']);
    expect(sut.pending).toBe(0);
  });

  it('gives every caller the failure of a shared load, and loads again afterwards', async () => {
    const query = deferred<string>();
    const answers = [sut.read('k', () => query.promise), sut.read('k', () => query.promise)];
    query.reject(new Error('database gone'));

    for (const answer of answers) await expect(answer).rejects.toThrow('database gone');
    expect(await sut.read('k', () => Promise.resolve('back'))).toBe('back');
  });

  describe('remember', () => {
    it('keeps an answer until the next write', async () => {
      const load = jest.fn(() => Promise.resolve({ rows: ['a'] }));

      const first = await sut.remember('k', load);
      const second = await sut.remember('k', load);
      sut.changed();
      const third = await sut.remember('k', load);

      expect([first, second, third]).toEqual([{ rows: ['a'] }, { rows: ['a'] }, { rows: ['a'] }]);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('does not keep an answer whose load a write overtook', async () => {
      const query = deferred<{ rows: string[] }>();
      const answer = sut.remember('k', () => query.promise);
      sut.changed();
      query.resolve({ rows: ['old'] });
      await answer;

      expect(await sut.remember('k', () => Promise.resolve({ rows: ['new'] }))).toEqual({ rows: ['new'] });
    });
  });
});
