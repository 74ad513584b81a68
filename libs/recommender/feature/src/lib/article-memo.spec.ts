import { ArticleMemo } from './article-memo';

describe(ArticleMemo.name, () => {
  const loader = (values: Record<string, { v: string }>) => {
    const asked: string[][] = [];
    const load = async (missing: string[]) => {
      asked.push(missing);
      return new Map(missing.flatMap((id) => (values[id] ? [[id, values[id]] as const] : [])));
    };
    return { asked, load };
  };

  it('loads only what it does not keep, and keeps only found values', async () => {
    const sut = new ArticleMemo<{ v: string }>();
    const { asked, load } = loader({ a: { v: 'A' }, b: { v: 'B' } });
    expect(await sut.getMany(['a', 'x'], load)).toEqual(new Map([['a', { v: 'A' }]]));
    expect(await sut.getMany(['a', 'b', 'x'], load)).toEqual(new Map([['a', { v: 'A' }], ['b', { v: 'B' }]]));
    expect(asked).toEqual([['a', 'x'], ['b', 'x']]);
  });

  it('answers loaded values that are not final but loads them again next time', async () => {
    const sut = new ArticleMemo<{ v: string }>((value) => value.v !== '');
    const { asked, load } = loader({ settled: { v: 'S' }, pending: { v: '' } });
    expect(await sut.getMany(['settled', 'pending'], load)).toEqual(new Map([['settled', { v: 'S' }], ['pending', { v: '' }]]));
    expect(await sut.getMany(['settled', 'pending'], load)).toEqual(new Map([['settled', { v: 'S' }], ['pending', { v: '' }]]));
    expect(asked).toEqual([['settled', 'pending'], ['pending']]);
  });

  it('does not call load when every value is kept or nothing is asked', async () => {
    const sut = new ArticleMemo<{ v: string }>();
    const { asked, load } = loader({ a: { v: 'A' } });
    await sut.getMany(['a'], load);
    await sut.getMany(['a'], load);
    await sut.getMany([], load);
    expect(asked).toEqual([['a']]);
  });
});
