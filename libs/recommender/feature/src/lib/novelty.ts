import { cosine, type EmbeddedArticle } from './user-profile';

/** Where an article stands among stories, as storage assigned it. */
export interface StoryFacts {
  /** The article's story ('' until analysed). */
  storyId: string;
  /** The earlier article it near-duplicates (SimHash or embedding, see storage's story choice); '' when none. */
  nearDuplicateOf: string;
}

/** Article id → its story facts (candidates and the articles the user read). */
export type StoryFactsByArticle = ReadonlyMap<string, StoryFacts>;

/**
 * Embeddings of one story at least this close are the same text retold (the bar the MMR pass already uses
 * for near-duplicates among the picked items).
 */
export const RETOLD_SIMILARITY = 0.985;
/** Score taken from an item that retells an article the user read: it goes after every item with news. */
export const RETOLD_PENALTY = 1;

/** What a candidate has to do with what the user read. */
export type NoveltyVerdict =
  /** It adds nothing: a near-duplicate of this article the user read. */
  | { kind: 'retold'; read: EmbeddedArticle }
  /** It is news in a story the user read this article of. */
  | { kind: 'follow-up'; read: EmbeddedArticle }
  | undefined;

/**
 * Judges a candidate against the articles the user read: a near-duplicate of one of them — storage's
 * near-duplicate link either way, two copies of the same original, or, in the same story, embeddings within
 * RETOLD_SIMILARITY — retells it; another article of a story the user read follows it up. Without story facts
 * (an article not analysed yet) nothing is judged: close vectors alone are also how a good match looks.
 */
export function judgeNovelty(candidateId: string, vector: number[], read: readonly EmbeddedArticle[], stories: StoryFactsByArticle): NoveltyVerdict {
  const own = stories.get(candidateId);
  const ownLinks = own ?? { storyId: '', nearDuplicateOf: '' };
  let followUp: EmbeddedArticle | undefined;
  for (const r of read) {
    const theirs = stories.get(r.articleId);
    if (theirs && linked(candidateId, ownLinks, r.articleId, theirs)) return { kind: 'retold', read: r };
    const sameStory = !!own?.storyId && own.storyId === theirs?.storyId;
    if (sameStory && vector.length > 0 && cosine(vector, r.vector) >= RETOLD_SIMILARITY) return { kind: 'retold', read: r };
    if (sameStory && !followUp) followUp = r;
  }
  return followUp ? { kind: 'follow-up', read: followUp } : undefined;
}

function linked(aId: string, a: StoryFacts, bId: string, b: StoryFacts): boolean {
  return a.nearDuplicateOf === bId || b.nearDuplicateOf === aId || (a.nearDuplicateOf !== '' && a.nearDuplicateOf === b.nearDuplicateOf);
}
