/** The newest analysis of article `a`, joined as `an` (absent when the article is not analyzed yet). */
export const NEWEST_ANALYSIS_JOIN = `
  LEFT JOIN LATERAL (
    SELECT x.language, x.keywords, x.topic, x.summary, x.simhash, x.model_version
      FROM article_analyses x
     WHERE x.article_id = a.id
     ORDER BY x.created_at DESC, x.model_version DESC
     LIMIT 1) an ON true`;

/** The LLM summary of article `a`, joined as `l` (absent when it has none). */
export const LLM_SUMMARY_JOIN = `LEFT JOIN article_llm_summaries l ON l.article_id = a.id`;

/** The feed order key of article `a`: when it was published, else when it was first fetched. */
export const FEED_TIME = `coalesce(a.published_at, a.fetched_at)`;

/** An article with its source's title and its newest analysis (null fields when not analyzed). */
export interface ArticleRow {
  id: string;
  sourceId: string;
  url: string;
  title: string;
  author: string;
  publishedAt: Date | null;
  fetchedAt: Date;
  contentHtml: string;
  text: string;
  sourceTitle: string;
  language: string | null;
  keywords: string[] | null;
  topic: string | null;
  summary: string | null;
  simhash: string | null;
  modelVersion: string | null;
  /** The story the article belongs to (null until analyzed). */
  storyId: string | null;
  /** The earlier article it near-duplicates (null when none). */
  nearDuplicate: { articleId: string; title: string; distance: number | null; cosine: number | null } | null;
  /** storage.FullTextState of an article of a full_text source (null for others), and why it has no page text. */
  fullTextState: number | null;
  fullTextFailure: string | null;
  /** The abstractive summary of the optional LLM endpoint (null when none), its language, model and input hash. */
  llmSummary: string | null;
  llmSummaryLanguage: string | null;
  llmSummaryModel: string | null;
  llmSummaryInputHash: string | null;
  /** The feed time as exact text (microseconds, UTC) for keyset cursors. */
  sortKey: string;
}

const articleColumns = (content: string) => `
  a.id, a.source_id AS "sourceId", a.url, a.title, a.author, a.published_at AS "publishedAt",
  a.fetched_at AS "fetchedAt", ${content}, s.title AS "sourceTitle",
  an.language, an.keywords, an.topic, an.summary, an.simhash, an.model_version AS "modelVersion",
  (SELECT m.cluster_id FROM story_memberships m WHERE m.article_id = a.id) AS "storyId",
  (SELECT json_build_object('articleId', d.id, 'title', d.title, 'distance', m.near_duplicate_distance, 'cosine', m.near_duplicate_cosine)
     FROM story_memberships m JOIN articles d ON d.id = m.near_duplicate_of WHERE m.article_id = a.id) AS "nearDuplicate",
  (SELECT f.state FROM article_full_text f WHERE f.article_id = a.id) AS "fullTextState",
  (SELECT f.failure FROM article_full_text f WHERE f.article_id = a.id) AS "fullTextFailure",
  l.summary AS "llmSummary", l.language AS "llmSummaryLanguage", l.model AS "llmSummaryModel", l.input_hash AS "llmSummaryInputHash",
  to_char(${FEED_TIME} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "sortKey"`;

/** Columns of ArticleRow from `articles a JOIN sources s ... NEWEST_ANALYSIS_JOIN LLM_SUMMARY_JOIN`. */
export const ARTICLE_COLUMNS = articleColumns(`a.content_html AS "contentHtml", a.text`);

/** ARTICLE_COLUMNS with contentHtml and text empty: the big columns are neither read, sorted nor sent. */
export const ARTICLE_COLUMNS_WITHOUT_CONTENT = articleColumns(`'' AS "contentHtml", '' AS text`);

/** The compact article used in similarity results and recommendations. */
export interface ArticleRefRow {
  id: string;
  sourceId: string;
  url: string;
  title: string;
  language: string | null;
  topic: string | null;
  summary: string | null;
  /** published_at, else fetched_at. */
  publishedAt: Date;
}

/** Columns of ArticleRefRow from `articles a ... NEWEST_ANALYSIS_JOIN`. */
export const ARTICLE_REF_COLUMNS = `
  a.id, a.source_id AS "sourceId", a.url, a.title, an.language, an.topic, an.summary,
  ${FEED_TIME} AS "publishedAt"`;
