import { EXCERPT_SOURCE_CHARS, rankedPageSql, RRF_K, type SearchFilters } from './search-sql';

const none: SearchFilters = { sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined, readState: 0, userId: '' };

describe(rankedPageSql.name, () => {
  describe('a full-text ranking', () => {
    it('binds the tsquery and every filter as parameters, never as SQL text', () => {
      const from = new Date('2026-01-01T00:00:00Z');
      const sut = rankedPageSql({ kind: 'text', tsquery: "'x''; drop'" }, { ...none, sourceId: 's', topic: 't', language: 'l', publishedFrom: from }, 20, 11);

      expect(sut.sql).not.toContain('drop');
      expect(sut.sql).toContain("to_tsquery('simple', $1)");
      expect(sut.sql).toContain('ts_rank_cd(a.search_vector, q, 1)');
      expect(sut.sql).toContain('an.topic = $3');
      expect(sut.params).toEqual(["'x''; drop'", 's', 't', 'l', from, 20, 11]);
    });

    it('joins the newest analysis inside the ranking only to filter on topic or language', () => {
      const ranking = (sql: string) => sql.slice(0, sql.indexOf(') r OFFSET'));
      expect(ranking(rankedPageSql({ kind: 'text', tsquery: "'a'" }, none, 0, 5).sql)).not.toContain('LATERAL');
      expect(ranking(rankedPageSql({ kind: 'text', tsquery: "'a'" }, { ...none, language: 'zh' }, 0, 5).sql)).toContain('LATERAL');
    });

    it('filters by the user\'s marks with the user bound as a parameter', () => {
      const sut = rankedPageSql({ kind: 'text', tsquery: "'a'" }, { ...none, readState: 1, userId: 'u-1' }, 0, 5);
      expect(sut.sql).toContain('NOT EXISTS (SELECT 1 FROM article_states st WHERE st.article_id = a.id AND st.user_id = $2::uuid AND st.read_at IS NOT NULL)');
      expect(sut.params).toEqual(["'a'", 'u-1', 0, 5]);
    });
  });

  describe('a semantic ranking', () => {
    it('uses pgvector where it exists and an exact cosine otherwise', () => {
      const query = { vector: [0.6, 0.8], modelVersion: 'm@1' };

      const withPgvector = rankedPageSql({ kind: 'semantic', semantic: { ...query, pgvector: true } }, none, 0, 5);
      const without = rankedPageSql({ kind: 'semantic', semantic: { ...query, pgvector: false } }, none, 0, 5);

      expect(withPgvector.sql).toContain('1 - (e.vec <=> $1::vector)');
      expect(withPgvector.params).toEqual(['[0.6,0.8]', 2, 'm@1', 5, 0, 5]);
      expect(without.sql).toContain('unnest(e.values, $1::real[])');
      expect(without.params).toEqual([[0.6, 0.8], 2, 'm@1', 5, 0, 5]);
    });

    it('keeps only the best embeddings before joining the articles, unless an article filter applies', () => {
      const semantic = { vector: [1], modelVersion: 'm@1', pgvector: true };
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 20, 11).sql).toContain('ORDER BY score DESC, article_id LIMIT $4');
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 20, 11).params).toContain(31);
      expect(rankedPageSql({ kind: 'semantic', semantic }, { ...none, topic: 'science' }, 0, 5).sql).not.toContain('article_id LIMIT');
    });

    it('keeps the best embedding per article only when any model version may match', () => {
      const sql = (modelVersion: string) => rankedPageSql({ kind: 'semantic', semantic: { vector: [1], modelVersion, pgvector: true } }, none, 0, 5).sql;
      expect(sql('m@1')).not.toContain('DISTINCT ON');
      expect(sql('')).toContain('DISTINCT ON (article_id)');
    });
  });

  describe('a hybrid ranking', () => {
    const semantic = { vector: [1, 0], modelVersion: 'm@1', pgvector: true };

    it('fuses both rankings by reciprocal rank over the first candidates of each', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 200 }, none, 40, 21);

      expect(sut.sql).toContain(`1::float8 / (${RRF_K} + row_number() OVER (ORDER BY score DESC, id))`);
      expect(sut.sql.match(/row_number\(\)/g)).toHaveLength(2);
      expect(sut.sql).toContain('LIMIT $1');
      expect(sut.params).toEqual([200, "'a'", '[1,0]', 2, 'm@1', 200, 40, 21]);
    });

    it('brings the text the excerpts are made from: more of it for hits the query\'s words match, checked per row for semantic hits', () => {
      const { sql, params } = rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 200 }, none, 0, 5, "'a' & 'b'");
      expect(sql).toContain(`left(a.text, CASE WHEN m.matches THEN ${EXCERPT_SOURCE_CHARS} ELSE 600 END) AS "excerptSource"`);
      expect(sql).toContain("coalesce(a.search_vector @@ to_tsquery('simple', $9), false)");
      expect(params[8]).toBe("'a' & 'b'");
      expect(sql).not.toContain('ts_headline');
      // Every hit of a text ranking matches; without words to match, no hit does.
      expect(rankedPageSql({ kind: 'text', tsquery: "'a'" }, none, 0, 5, "'a'").sql).toContain('LATERAL (SELECT true AS matches) m');
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 0, 5).sql).toContain('LATERAL (SELECT false AS matches) m');
    });

    it('ranks by meaning alone when the query has no words to match', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: '', semantic, candidates: 200 }, none, 0, 5);

      expect(sut.sql).not.toContain('ts_rank_cd');
      expect(sut.sql.match(/row_number\(\)/g)).toHaveLength(1);
    });
  });

  describe('the HNSW index', () => {
    const semantic = { vector: [1, 0], modelVersion: 'm@1', pgvector: true, indexed: true };

    it('walks the index of the dimension for an unfiltered ranking of one model version, with a search list for the top list', () => {
      const sut = rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 300 }, none, 0, 21);

      expect(sut.sql).toContain('ORDER BY (e.vec::vector(2)) <=> $3::vector(2)');
      expect(sut.sql).toContain('WHERE e.dims = 2 AND e.model_version = $4');
      expect(sut.efSearch).toBe(600);
      expect(rankedPageSql({ kind: 'hybrid', tsquery: "'a'", semantic, candidates: 100 }, none, 0, 21).efSearch).toBe(200);
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 0, 21).efSearch).toBe(200);
    });

    it.each([
      ['a filter on the article', { kind: 'semantic' as const, semantic }, { ...none, topic: 't' }],
      ['any model version', { kind: 'semantic' as const, semantic: { ...semantic, modelVersion: '' } }, none],
      ['no index for the dimension', { kind: 'semantic' as const, semantic: { ...semantic, indexed: false } }, none],
      ['no pgvector', { kind: 'semantic' as const, semantic: { ...semantic, pgvector: false } }, none],
    ])('scores every embedding exactly with %s', (_case, ranking, filters) => {
      const sut = rankedPageSql(ranking, filters, 0, 21);
      expect(sut.sql).not.toContain('::vector(2)');
      expect(sut.efSearch).toBe(0);
    });

    it('scores exactly past the largest search list (deep pages)', () => {
      expect(rankedPageSql({ kind: 'semantic', semantic }, none, 990, 21).efSearch).toBe(0);
    });
  });
});
