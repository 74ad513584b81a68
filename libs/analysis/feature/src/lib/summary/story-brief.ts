import { DomainError } from '@autoglm/shared-errors';
import { splitSentences } from '../text/sentence-splitter';
import { centroidOf, MAX_SUMMARY_SENTENCES, sentenceCosine, type SentenceEncoder, type SentenceVector } from './extractive-summary';

/** Documents per brief request. */
export const MAX_BRIEF_DOCUMENTS = 100;
/** Sentences per brief. */
export const MAX_BRIEF_SENTENCES = 50;
/** Characters per document text. */
export const MAX_BRIEF_TEXT_CHARS = 200_000;
/** A new sentence at least this close to a read one retells it: never picked. */
export const ALREADY_TOLD_SIMILARITY = 0.9;
/** A sentence at least this close to a picked one repeats it (another copy's wording): never picked. */
export const REPEATED_SIMILARITY = 0.9;
/** MMR trade-off between a sentence's brief value and its redundancy with the picked ones. */
export const BRIEF_MMR_LAMBDA = 0.7;

export interface BriefDocument {
  id: string;
  title: string;
  text: string;
  chinese: boolean;
  /** The reader knows this document already: its sentences are what the brief must not repeat. */
  read: boolean;
}

export interface BriefSentence {
  documentId: string;
  text: string;
  /** centrality × novelty of the sentence. */
  score: number;
  /** 1 − its highest similarity to a read sentence (1 when nothing was read). */
  novelty: number;
}

interface Piece {
  documentId: string;
  text: string;
  vector: Float32Array | Map<string, number>;
}

/**
 * "What's new" across documents: the sentences of the unread documents, each valued by its centrality (cosine to
 * the centroid of the new sentences of its kind, the documents' shared centre of meaning) times its novelty
 * (1 − its highest similarity to any read sentence); sentences that retell a read one are left out, and a greedy
 * MMR pass picks the best value that does not repeat what is already picked (copies of one report word the same
 * facts alike). Chinese documents get sparse word vectors, others dense ones: the two kinds never compare.
 */
export async function storyBrief(
  documents: readonly BriefDocument[],
  limit: number,
  encoders: { dense: SentenceEncoder; chinese: SentenceEncoder },
): Promise<BriefSentence[]> {
  validateBrief(documents, limit);
  const fresh = await encodeSentences(documents.filter((d) => !d.read), encoders);
  const read = await encodeSentences(documents.filter((d) => d.read), encoders);
  return pickBriefSentences(fresh, read, limit);
}

export function validateBrief(documents: readonly BriefDocument[], limit: number): void {
  if (documents.length > MAX_BRIEF_DOCUMENTS) throw DomainError.invalidArgument(`at most ${MAX_BRIEF_DOCUMENTS} documents`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BRIEF_SENTENCES) {
    throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_BRIEF_SENTENCES}`);
  }
  for (const d of documents) {
    if (d.text.length > MAX_BRIEF_TEXT_CHARS) throw DomainError.invalidArgument(`document ${d.id}: text is longer than ${MAX_BRIEF_TEXT_CHARS} characters`);
  }
}

async function encodeSentences(documents: readonly BriefDocument[], encoders: { dense: SentenceEncoder; chinese: SentenceEncoder }): Promise<Piece[]> {
  const split = documents.map((d) => ({ d, sentences: splitSentences(d.text.trim() || d.title).slice(0, MAX_SUMMARY_SENTENCES) }));
  const encodeAll = async (chinese: boolean): Promise<Piece[]> => {
    const group = split.filter((x) => x.d.chinese === chinese);
    const texts = group.flatMap((x) => x.sentences);
    if (texts.length === 0) return [];
    const vectors = await (chinese ? encoders.chinese : encoders.dense)(texts);
    const owners = group.flatMap((x) => x.sentences.map(() => x.d.id));
    return texts.flatMap((text, i) => usable(vectors[i]).map((vector) => ({ documentId: owners[i] as string, text, vector })));
  };
  return [...(await encodeAll(false)), ...(await encodeAll(true))];
}

function usable(v: SentenceVector): Array<Float32Array | Map<string, number>> {
  if (v === undefined) return [];
  for (const x of v.values()) if (x !== 0) return [v];
  return [];
}

/** The MMR selection over encoded sentences (exported for tests with hand-made vectors). */
export function pickBriefSentences(fresh: readonly Piece[], read: readonly Piece[], limit: number): BriefSentence[] {
  const centroids = [false, true].flatMap((sparse) => {
    const ofKind = fresh.filter((p) => p.vector instanceof Map === sparse).map((p) => p.vector);
    return ofKind.length ? [centroidOf(ofKind)] : [];
  });
  const seenText = new Set<string>();
  const candidates = fresh.flatMap((p) => {
    const key = p.text.toLowerCase();
    if (seenText.has(key)) return [];
    seenText.add(key);
    const told = Math.max(0, ...read.map((r) => sentenceCosine(p.vector, r.vector)));
    if (told >= ALREADY_TOLD_SIMILARITY) return [];
    const centrality = Math.max(0, ...centroids.map((c) => sentenceCosine(p.vector, c)));
    const novelty = 1 - told;
    return [{ piece: p, value: centrality * novelty, novelty }];
  });
  const picked: typeof candidates = [];
  while (picked.length < limit) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as (typeof candidates)[number];
      const redundancy = Math.max(0, ...picked.map((p) => sentenceCosine(c.piece.vector, p.piece.vector)));
      if (redundancy >= REPEATED_SIMILARITY) continue;
      const value = BRIEF_MMR_LAMBDA * c.value - (1 - BRIEF_MMR_LAMBDA) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    if (best < 0) break;
    picked.push(...candidates.splice(best, 1));
  }
  return picked.map((c) => ({ documentId: c.piece.documentId, text: c.piece.text, score: c.value, novelty: c.novelty }));
}
