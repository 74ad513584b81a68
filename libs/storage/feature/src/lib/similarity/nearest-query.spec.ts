import { buildNearestQuery, hnswEfSearch, hnswIndexSql, toVectorLiteral } from './nearest-query';

const base = { vector: [0.6, 0.8], limit: 5, excludeIds: ['0b5c5f0e-3d1a-4c7e-9a55-2f1f4d3e6a71'], modelVersion: '' };

describe(buildNearestQuery.name, () => {
  it('uses the pgvector cosine operator with the vector as a literal when pgvector exists', () => {
    const sut = buildNearestQuery({ ...base, pgvector: true });

    expect(sut.sql).toContain('1 - (e.vec <=> $1::vector)');
    expect(sut.sql).not.toContain('unnest(e.values');
    expect(sut.params).toEqual(['[0.6,0.8]', 2, base.excludeIds, 5]);
  });

  it('computes an exact cosine over real[] without pgvector', () => {
    const sut = buildNearestQuery({ ...base, pgvector: false });

    expect(sut.sql).toContain('unnest(e.values, $1::real[])');
    expect(sut.sql).toContain('sqrt(sum(p.x::float8 * p.x::float8))');
    expect(sut.sql).not.toContain('<=>');
    expect(sut.params).toEqual([[0.6, 0.8], 2, base.excludeIds, 5]);
  });

  it('filters on the model version only when one is given', () => {
    const sut = buildNearestQuery({ ...base, pgvector: false, modelVersion: 'use-lite@1' });

    expect(sut.sql).toContain('e.model_version = $5');
    expect(sut.params[4]).toBe('use-lite@1');
    expect(buildNearestQuery({ ...base, pgvector: false }).sql).not.toContain('model_version =');
  });

  it('compares only embeddings of the same dimension and drops undefined scores', () => {
    const sut = buildNearestQuery({ ...base, pgvector: true });

    expect(sut.sql).toContain('e.dims = $2');
    expect(sut.sql).toContain("score IS NOT NULL AND score <> 'NaN'::float8");
  });
});

describe('buildNearestQuery with an HNSW index', () => {
  it('orders by the indexed expression with the dimension as a literal, so the partial index applies', () => {
    const sut = buildNearestQuery({ ...base, pgvector: true, indexed: true });

    expect(sut.sql).toContain('WHERE e.dims = 2');
    expect(sut.sql).toContain('ORDER BY (e.vec::vector(2)) <=> $1::vector(2)');
    expect(sut.params).toEqual(['[0.6,0.8]', 200, base.excludeIds, 5]);
  });

  it('ignores the index without pgvector', () => {
    expect(buildNearestQuery({ ...base, pgvector: false, indexed: true }).sql).not.toContain('<=>');
  });

  it('refuses a dimension HNSW cannot index', () => {
    expect(() => buildNearestQuery({ ...base, vector: new Array<number>(2001).fill(1), pgvector: true, indexed: true })).toThrow(RangeError);
  });
});

describe(hnswIndexSql.name, () => {
  it('creates a partial cosine HNSW index over the cast of one dimension', () => {
    expect(hnswIndexSql(64).replace(/\s+/g, ' ')).toBe(
      'CREATE INDEX IF NOT EXISTS "IDX_article_embeddings_hnsw_64" ON article_embeddings USING hnsw ((vec::vector(64)) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE dims = 64',
    );
  });

  it.each([0, -1, 1.5, 2001, Number.NaN])('refuses %p dimensions', (dims) => {
    expect(() => hnswIndexSql(dims)).toThrow(RangeError);
  });
});

describe(hnswEfSearch.name, () => {
  it('searches at least 200 candidates, more for large limits, at most 1000', () => {
    expect(hnswEfSearch(10, 0)).toBe(200);
    expect(hnswEfSearch(200, 50)).toBe(500);
    expect(hnswEfSearch(500, 500)).toBe(1000);
  });
});

describe(toVectorLiteral.name, () => {
  it('writes the pgvector text form', () => {
    expect(toVectorLiteral([1, -0.5, 2e-7])).toBe('[1,-0.5,2e-7]');
  });
});
