import { semanticCandidatesSql, textCandidatesSql, type SearchFilters } from './search-sql';

const none: SearchFilters = { sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined };

describe(textCandidatesSql.name, () => {
  it('binds the tsquery and every filter as parameters, never as SQL text', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const sut = textCandidatesSql("'x''; drop'", { ...none, sourceId: 's', topic: 't', language: 'l', publishedFrom: from }, 20, 11);

    expect(sut.sql).not.toContain('drop');
    expect(sut.sql).toContain("to_tsquery('simple', $1)");
    expect(sut.sql).toContain('ts_rank_cd(a.search_vector, q, 1)');
    expect(sut.sql).toContain('an.topic = $3');
    expect(sut.params).toEqual(["'x''; drop'", 's', 't', 'l', from, 20, 11]);
  });

  it('joins the newest analysis only to filter on topic or language', () => {
    expect(textCandidatesSql("'a'", none, 0, 5).sql).not.toContain('LATERAL');
    expect(textCandidatesSql("'a'", { ...none, language: 'zh' }, 0, 5).sql).toContain('LATERAL');
  });
});

describe(semanticCandidatesSql.name, () => {
  it('uses pgvector where it exists and an exact cosine otherwise', () => {
    const query = { vector: [0.6, 0.8], modelVersion: 'm@1' };

    const withPgvector = semanticCandidatesSql({ ...query, pgvector: true }, none, 0, 5);
    const without = semanticCandidatesSql({ ...query, pgvector: false }, none, 0, 5);

    expect(withPgvector.sql).toContain('1 - (e.vec <=> $1::vector)');
    expect(withPgvector.params).toEqual(['[0.6,0.8]', 2, 'm@1', 0, 5]);
    expect(without.sql).toContain('unnest(e.values, $1::real[])');
    expect(without.params).toEqual([[0.6, 0.8], 2, 'm@1', 0, 5]);
  });

  it('keeps the best embedding per article only when any model version may match', () => {
    expect(semanticCandidatesSql({ vector: [1], modelVersion: 'm@1', pgvector: true }, none, 0, 5).sql).not.toContain('DISTINCT ON');
    expect(semanticCandidatesSql({ vector: [1], modelVersion: '', pgvector: true }, none, 0, 5).sql).toContain('DISTINCT ON (article_id)');
  });
});
