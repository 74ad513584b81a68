import { hostKey, KeyedSemaphore } from './keyed-semaphore';

/** A task that runs until released, recording how many tasks of its key ran at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(KeyedSemaphore.name, () => {
  it('runs at most `limit` tasks per key and queues the rest in order', async () => {
    const sut = new KeyedSemaphore(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      sut.run('a.example', async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await tick();

    expect(started).toEqual([0, 1]);
    expect(sut.active('a.example')).toBe(2);
    expect(sut.waiting('a.example')).toBe(2);

    gates[1]?.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(sut.active('a.example')).toBe(2);

    gates.forEach((g) => g.open());
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(sut.size).toBe(0);
  });

  it('does not limit one key by another', async () => {
    const sut = new KeyedSemaphore(1);
    const g = gate();
    const first = sut.run('a.example', () => g.opened);
    let otherRan = false;

    await sut.run('b.example', async () => {
      otherRan = true;
    });

    expect(otherRan).toBe(true);
    expect(sut.active('a.example')).toBe(1);
    g.open();
    await first;
  });

  it('frees the slot when a task fails', async () => {
    const sut = new KeyedSemaphore(1);

    await expect(sut.run('a.example', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('a.example', async () => 'next')).resolves.toBe('next');
    expect(sut.size).toBe(0);
  });

  it('never exceeds the limit under many concurrent tasks', async () => {
    const sut = new KeyedSemaphore(2);
    let running = 0;
    let peak = 0;

    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sut.run(i % 2 ? 'a.example' : 'b.example', async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
        }),
      ),
    );

    expect(peak).toBe(4);
    expect(sut.size).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the limit %p', (limit) => {
    expect(() => new KeyedSemaphore(limit)).toThrow(RangeError);
  });
});

describe(hostKey.name, () => {
  it.each([
    ['https://News.Example.com/feed', 'news.example.com'],
    ['http://news.example.com:8080/a', 'news.example.com'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, key) => {
    expect(hostKey(url)).toBe(key);
  });
});
