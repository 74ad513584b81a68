import { HEADLINE_OPTIONS, rankedPageSql, RRF_K, type SearchFilters } from './search-sql';

const none: SearchFilters = { sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined, readState: 0, userId: '' };

describe(rankedPageSql.name, () => {
  describe('a full-text ranking', () => {
    it('binds the tsquery and every filter as parameters, never as SQL text', () => {
      const from = new Date('2026-01-01T00:00:00Z');
      const sut = rankedPageSql({ kind: 'text', tsquery: "'x''; drop'" }, { ...none, sourceId: 's', topic: 't', language: 'l', publishedFrom: from }, 20, 11, 'hl');

      expect(sut.sql).not.toContain('drop');
      expect(sut.sql).toContain("to_tsquery('simple', $1)");
      expect(sut.sql).toContain('ts_rank_cd(a.search_vector, q, 1)');
      expect(sut.sql).toContain('an.topic = $3');
      expect(sut.params).toEqual(["'x''; drop'", 's', 't', 'l', from, 20, 11, 'hl', HEADLINE_OPTIONS]);
    });

    it('joins the newest analysis inside the ranking only to filter on topic or language', () => {
      const ranking = (sql: string) => sql.slice(0, sql.indexOf(') r OFFSET'));
      expect(ranking(rankedPageSql({ kind: 'text', tsquery: "'a'" }, none, 0, 5, 'hl').sql)).not.toContain('LATERAL');
      expect(ranking(rankedPageSql({ kind: 'text', tsquery: "'a'" }, { ...none, language: 'zh' }, 0, 5, 'hl').sql)).toContain('LATERAL');
    });

    it('filters by the user\'s marks with the user bound as a parameter', () => {
      const sut = rankedPageSql({ kind: 'text', tsquery: "'a'" }, { ...none, readState: 1, userId: 'u-1' }, 0, 5, 'hl');
      expect(sut.sql).toContain('NOT EXISTS (SELECT 1 FROM article_states st WHERE st.article_id = a.id AND st.user_id = $2::uuid AND st.read_at IS NOT NULL)');
      expect(sut.params).toEqual(["'a'", 'u-1', 0, 5, 'hl', HEADLINE_OPTIONS]);
    });
  });

  describe('a semantic ranking', () => {
    it('uses pgvector where it exists and an exact cosine otherwise', () => {
      const query = { vector: [0.6, 0.8], modelVersion: 'm@1' };

      const withPgvector = rankedPageSql({ kind: 'semantic', semantic: { ...query, pgvector: true } }, none, 0, 5, 'hl');
      const without = rankedPageSql({ kind: 'semantic', semantic: { ...query, pgvector: false } }, none, 0, 5, 'hl');

      expect(withPgvector.sql).toContain('1 - (e.vec <=> $1::vector)');
      expect(withPgvector.params).toEqual(['[0.6,0.8]', 2, 'm@1', 5, 0, 5, 'hl', HEADLINE_OPTIONS]);
      expect(without.sql).toContain('unnest(e.values, $1::real[])');
      expect(without.params).toEqual([[0.6, 0.8], 2, 'm@1', 5, 0, 5, 'hl', HEADLINE_OPTIONS]);
    });

    it('keeps only the best embeddings before joining the articles, unless an article filter applies', () => {
      const semantic = { vector: [1], modelVersion: 'm@1', pgvector: true };
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 20, 11, 'hl').sql).toContain('ORDER BY score DESC, article_id LIMIT $4');
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 20, 11, 'hl').params).toContain(31);
      expect(rankedPageSql({ kind: 'semantic', semantic }, { ...none, topic: 'science' }, 0, 5, 'hl').sql).not.toContain('article_id LIMIT');
    });

    it('keeps the best embedding per article only when any model version may match', () => {
      const sql = (modelVersion: string) => rankedPageSql({ kind: 'semantic', semantic: { vector: [1], modelVersion, pgvector: true } }, none, 0, 5, 'hl').sql;
      expect(sql('m@1')).not.toContain('DISTINCT ON');
      expect(sql('')).toContain('DISTINCT ON (article_id)');
    });
  });

  describe('a hybrid ranking', () => {
    const semantic = { vector: [1, 0], modelVersion: 'm@1', pgvector: true };

    it('fuses both rankings by reciprocal rank over the first candidates of each', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 200 }, none, 40, 21, 'hl');

      expect(sut.sql).toContain(`1::float8 / (${RRF_K} + row_number() OVER (ORDER BY score DESC, id))`);
      expect(sut.sql.match(/row_number\(\)/g)).toHaveLength(2);
      expect(sut.sql).toContain('LIMIT $1');
      expect(sut.params).toEqual([200, "'a'", '[1,0]', 2, 'm@1', 200, 40, 21, 'hl', HEADLINE_OPTIONS]);
    });

    it('makes the excerpts in the same statement: ts_headline for texts the query matches, sentinels removed, CJK characters set apart', () => {
      const { sql, params } = rankedPageSql({ kind: 'text', tsquery: "'a'" }, none, 0, 5, 'hl', "'a' & 'b'");
      expect(sql).toContain("CASE WHEN m.matches THEN ts_headline('simple', CASE WHEN a.title ~");
      expect(sql).toContain("regexp_replace(translate(left(a.text, 20000)");
      expect(sql).toContain("(?=[\\u3041-");
      expect(sql).toContain("a.search_vector @@ to_tsquery('simple', $6)");
      expect(sql).toContain('ELSE left(a.text, 600) END AS "lead"');
      expect(params[5]).toBe("'a' & 'b'");
    });

    it('gives every hit its lead when the query has no words to match', () => {
      expect(rankedPageSql({ kind: 'text', tsquery: "'a'" }, none, 0, 5, 'hl').sql).toContain('coalesce(false, false)');
    });

    it('ranks by meaning alone when the query has no words to match', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: '', semantic, candidates: 200 }, none, 0, 5, 'hl');

      expect(sut.sql).not.toContain('ts_rank_cd');
      expect(sut.sql.match(/row_number\(\)/g)).toHaveLength(1);
    });
  });

  describe('the HNSW index', () => {
    const semantic = { vector: [1, 0], modelVersion: 'm@1', pgvector: true, indexed: true };

    it('walks the index of the dimension for an unfiltered ranking of one model version, with a search list for the top list', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 200 }, none, 0, 21, 'hl');

      expect(sut.sql).toContain('ORDER BY (e.vec::vector(2)) <=> $3::vector(2)');
      expect(sut.sql).toContain('WHERE e.dims = 2 AND e.model_version = $4');
      expect(sut.efSearch).toBe(400);
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 0, 21, 'hl').efSearch).toBe(200);
    });

    it.each([
      ['a filter on the article', { kind: 'semantic' as const, semantic }, { ...none, topic: 't' }],
      ['any model version', { kind: 'semantic' as const, semantic: { ...semantic, modelVersion: '' } }, none],
      ['no index for the dimension', { kind: 'semantic' as const, semantic: { ...semantic, indexed: false } }, none],
      ['no pgvector', { kind: 'semantic' as const, semantic: { ...semantic, pgvector: false } }, none],
    ])('scores every embedding exactly with %s', (_case, ranking, filters) => {
      const sut = rankedPageSql(ranking, filters, 0, 21, 'hl');
      expect(sut.sql).not.toContain('::vector(2)');
      expect(sut.efSearch).toBe(0);
    });

    it('scores exactly past the largest search list (deep pages)', () => {
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 990, 21, 'hl').efSearch).toBe(0);
    });
  });
});
