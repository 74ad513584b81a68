import { storage } from '@autoglm/contracts';
import { mapScoredArticle } from '../similarity/scored-article.mapper';
import { mapArticle, mapArticleRef } from './article.mapper';
import type { ArticleRow } from './article-row';

function articleRow(overrides: Partial<ArticleRow> = {}): ArticleRow {
  return {
    id: '0b5c5f0e-3d1a-4c7e-9a55-2f1f4d3e6a71',
    sourceId: '7d1f5c2a-9b8e-4f3d-a2c1-0e9d8c7b6a54',
    url: 'https://example.org/a',
    title: 'A',
    author: 'Ada',
    publishedAt: null,
    fetchedAt: new Date('2026-11-24T10:00:00.000Z'),
    contentHtml: '<p>a</p>',
    text: 'a',
    sourceTitle: 'Example',
    language: null,
    keywords: null,
    topic: null,
    summary: null,
    simhash: null,
    modelVersion: null,
    storyId: null,
    nearDuplicate: null,
    fullTextState: null,
    fullTextFailure: null,
    llmSummary: null,
    llmSummaryLanguage: null,
    llmSummaryModel: null,
    llmSummaryInputHash: null,
    sortKey: '2026-11-24T10:00:00.000000Z',
    ...overrides,
  };
}

describe(mapArticle.name, () => {
  it('names the article it near-duplicates, with -1 / 0 for a measure that did not find it', () => {
    expect(mapArticle(articleRow()).nearDuplicateOf).toBeUndefined();
    const sut = mapArticle(articleRow({ nearDuplicate: { articleId: 'b', title: 'B', distance: 3, cosine: null } }));
    expect(sut.nearDuplicateOf).toEqual({ articleId: 'b', title: 'B', hammingDistance: 3, cosine: 0 });
    const byCosine = mapArticle(articleRow({ nearDuplicate: { articleId: 'c', title: 'C', distance: null, cosine: 0.99 } }));
    expect(byCosine.nearDuplicateOf).toEqual({ articleId: 'c', title: 'C', hammingDistance: -1, cosine: 0.99 });
  });

  it('maps an article that was not analyzed yet with empty analysis fields', () => {
    const sut = mapArticle(articleRow());

    expect(sut).toMatchObject({ analyzed: false, language: '', keywords: [], topic: '', summary: '', simhash: '', modelVersion: '' });
    expect(sut.publishedAt).toBeUndefined();
    expect(sut.fetchedAt).toEqual({ seconds: String(Date.parse('2026-11-24T10:00:00Z') / 1000), nanos: 0 });
    expect(sut.sourceTitle).toBe('Example');
    expect(sut.storyId).toBe('');
    expect(sut).toMatchObject({ fullTextState: storage.FullTextState.FULL_TEXT_STATE_UNSPECIFIED, fullTextFailure: '' });
    expect(sut).not.toHaveProperty('sortKey');
  });

  it('maps why an article of a full-text source has no page text', () => {
    const sut = mapArticle(articleRow({ fullTextState: storage.FullTextState.FULL_TEXT_STATE_FAILED, fullTextFailure: 'HTTP 404' }));

    expect(sut).toMatchObject({ fullTextState: storage.FullTextState.FULL_TEXT_STATE_FAILED, fullTextFailure: 'HTTP 404' });
  });

  it('maps the newest analysis', () => {
    const sut = mapArticle(
      articleRow({ language: 'en', keywords: ['x'], topic: 't', summary: 's', simhash: 'ff', modelVersion: 'm@1', storyId: 'story-1' }),
    );

    expect(sut.storyId).toBe('story-1');

    expect(sut).toMatchObject({ analyzed: true, language: 'en', keywords: ['x'], topic: 't', summary: 's', simhash: 'ff', modelVersion: 'm@1' });
  });
});

describe(mapArticleRef.name, () => {
  it('maps the compact form with the feed time', () => {
    const row = { ...articleRow(), publishedAt: new Date('2026-11-20T00:00:00.000Z'), topic: 'science' };

    expect(mapArticleRef(row)).toEqual({
      id: row.id,
      sourceId: row.sourceId,
      url: row.url,
      title: 'A',
      language: '',
      topic: 'science',
      summary: '',
      publishedAt: { seconds: String(Date.parse('2026-11-20T00:00:00Z') / 1000), nanos: 0 },
    });
    expect(mapScoredArticle({ ...row, score: 0.75 })).toEqual({ article: mapArticleRef(row), score: 0.75 });
  });
});
