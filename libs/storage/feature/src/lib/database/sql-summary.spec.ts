import { describeSql, MAX_DESCRIBED_TEXTS, MAX_SANITIZED_TEXT_LENGTH, MAX_SUMMARY_LENGTH } from './sql-summary';

describe(describeSql.name, () => {
  it.each([
    ['SELECT "a"."id" FROM "articles" "a" WHERE "a"."id" = $1', 'SELECT', 'SELECT articles'],
    ['INSERT INTO "articles"("url") VALUES ($1) ON CONFLICT DO NOTHING RETURNING "id"', 'INSERT', 'INSERT articles'],
    ['UPDATE public.sources SET paused = true WHERE id = $1', 'UPDATE', 'UPDATE public.sources'],
    ['DELETE FROM "outbox" WHERE "id" IN ($1, $2)', 'DELETE', 'DELETE outbox'],
    [
      'WITH due AS (SELECT id FROM sources WHERE next_check_at <= now() FOR UPDATE SKIP LOCKED) UPDATE sources s SET leased = true FROM due WHERE s.id = due.id',
      'UPDATE',
      'SELECT sources UPDATE sources due',
    ],
    ['SELECT a.id FROM articles a JOIN article_analyses x ON x.article_id = a.id CROSS JOIN LATERAL unnest($1::text[]) t', 'SELECT', 'SELECT articles article_analyses'],
    ['SELECT EXTRACT(epoch FROM now()) AS t', 'SELECT', 'SELECT'],
    ['START TRANSACTION', 'START', 'START TRANSACTION'],
    ['COMMIT', 'COMMIT', 'COMMIT'],
    ['SET hnsw.ef_search = 40', 'SET', 'SET'],
  ])('%s → %s, "%s"', (sql, operation, summary) => {
    expect(describeSql(sql)).toMatchObject({ operation, summary });
  });

  it('replaces every literal with ? and keeps bind parameters, names and casts', () => {
    const sql = `SELECT "title", 'it''s secret' AS s, E'a\\'b', $tag$ pa$$word $tag$, $$x$$, 42, 3.5e2, .5 -- the key is abc123
      FROM articles /* 'hidden' */ WHERE id = $1::uuid AND x2 > 7`;

    const { text } = describeSql(sql);

    expect(text).toBe(`SELECT "title", ? AS s, ?, ?, ?, ?, ?, ? FROM articles WHERE id = $1::uuid AND x2 > ?`);
    expect(text).not.toMatch(/secret|word|abc123|hidden|42|3\.5/);
  });

  it('bounds the summary and the text', () => {
    const many = Array.from({ length: 200 }, (_, i) => `SELECT id FROM table_number_${i}`).join(' UNION ALL ');

    const { summary, text } = describeSql(many);

    expect(summary.length).toBe(MAX_SUMMARY_LENGTH);
    expect(text.length).toBe(MAX_SANITIZED_TEXT_LENGTH);
  });

  it('describes unterminated quotes and empty text without throwing', () => {
    expect(describeSql("SELECT 'open")).toEqual({ operation: 'SELECT', summary: 'SELECT', text: 'SELECT ?' });
    expect(describeSql('')).toEqual({ operation: '', summary: '', text: '' });
    expect(describeSql('SELECT "unterminated')).toMatchObject({ operation: 'SELECT' });
  });

  it('describes a text once, and keeps the MAX_DESCRIBED_TEXTS most recently used', () => {
    const hot = 'SELECT id FROM users WHERE id = $1';
    const first = describeSql(hot);
    expect(describeSql(hot)).toBe(first);
    const cold = `SELECT 'x' FROM cold_table`;
    const coldFirst = describeSql(cold);
    for (let i = 0; i < MAX_DESCRIBED_TEXTS; i++) {
      describeSql(`SELECT ${i} FROM t${i}`);
      if (i % 100 === 0) describeSql(hot);
    }

    expect(describeSql(hot)).toBe(first);
    expect(describeSql(cold)).not.toBe(coldFirst);
    expect(describeSql(cold)).toEqual({ operation: 'SELECT', summary: 'SELECT cold_table', text: 'SELECT ? FROM cold_table' });
  });
});
