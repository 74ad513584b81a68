import { fuseRankings } from './rank-fusion';

const ids = (...names: string[]) => names.map((id) => ({ id }));

describe(fuseRankings.name, () => {
  it('adds 1 / (60 + rank) per list and puts the best fused score first', () => {
    const sut = fuseRankings([ids('a', 'b', 'c'), ids('c', 'a')]);

    expect(sut.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(sut[0].score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(sut[1].score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(sut[2].score).toBeCloseTo(1 / 62, 12);
  });

  it('breaks ties by id and accepts empty lists', () => {
    expect(fuseRankings([ids('y'), ids('x')]).map((f) => f.id)).toEqual(['x', 'y']);
    expect(fuseRankings([[], []])).toEqual([]);
  });
});
