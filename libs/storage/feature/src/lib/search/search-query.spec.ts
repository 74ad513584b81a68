import { parseTextQuery, quoteLexeme } from './search-query';
import { SearchSegmenter } from './search-segmenter';

const segmenter = new SearchSegmenter();
const sut = (query: string) => parseTextQuery(query, segmenter);

describe(parseTextQuery.name, () => {
  it('ANDs words, lowercased', () => {
    expect(sut('Local Models')).toEqual({ tsquery: "'local' & 'models'", words: ['local', 'models'], cjkWords: [] });
  });

  it('reads "quoted text" as a phrase and a hyphenated word as adjacent words', () => {
    expect(sut('"food processor" e-mail').tsquery).toBe("('food' <-> 'processor') & ('e' <-> 'mail')");
  });

  it('excludes -words and leaves them out of the highlight', () => {
    expect(sut('processor -soup -"slow cooking"')).toMatchObject({
      tsquery: "'processor' & !'soup' & !('slow' <-> 'cooking')",
      words: ['processor'],
    });
  });

  it('reads or between two terms as an alternative', () => {
    expect(sut('football OR soccer league').tsquery).toBe("('football' | 'soccer') & 'league'");
    expect(sut('or football').tsquery).toBe("'football'");
  });

  it('segments Chinese with jieba, ANDs the words and highlights them as words', () => {
    expect(sut('中国足球')).toEqual({
      tsquery: "('中国' & '足球')",
      words: [],
      cjkWords: ['中国', '足球'],
    });
  });

  it('drops stop words unless the query has nothing else', () => {
    expect(sut('the football of 中国的足球').tsquery).toBe("'football' & ('中国' & '足球')");
    expect(sut('the').tsquery).toBe("'the'");
  });

  it('has nothing to search for in punctuation or exclusions only', () => {
    expect(sut('!!! ,,, ---')).toEqual({ tsquery: '', words: [], cjkWords: [] });
    expect(sut('-soup').tsquery).toBe('');
  });

  it('keeps every quote and backslash inside quoted lexemes', () => {
    const query = sut(`'); drop table articles; -- \\ 'x`);

    expect(query.tsquery).toBe("'drop' & 'table' & 'articles' & 'x'");
    expect(quoteLexeme(`it's\\`)).toBe(`'it''s\\\\'`);
  });
});
