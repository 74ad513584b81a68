import { ErrorCode } from '@autoglm/shared-errors';
import type { SentenceEncoder } from './extractive-summary';
import { MAX_BRIEF_DOCUMENTS, MAX_BRIEF_SENTENCES, MAX_BRIEF_TEXT_CHARS, storyBrief, type BriefDocument } from './story-brief';

/**
 * A bag-of-words encoder over a fixed vocabulary (dense), so that similarity is word overlap: sentences
 * that share their words are close, and one without known words has no vector.
 */
const VOCABULARY = ['flood', 'river', 'rose', 'evacuated', 'residents', 'damage', 'insurers', 'million', 'wall', 'promised', 'sluice', 'gate', 'blocked'];
const dense: SentenceEncoder = async (pieces) =>
  pieces.map((p) => {
    const words = p.toLowerCase().match(/\p{L}+/gu) ?? [];
    const v = new Float32Array(VOCABULARY.map((w) => words.filter((x) => x === w).length));
    return v.some((x) => x > 0) ? v : undefined;
  });
/** Chinese: sparse vectors of characters. */
const chinese: SentenceEncoder = async (pieces) => pieces.map((p) => new Map([...p].filter((c) => /\p{Script=Han}/u.test(c)).map((c) => [c, 1])));
const encoders = { dense, chinese };

const doc = (id: string, text: string, read = false, zh = false): BriefDocument => ({ id, title: id, text, chinese: zh, read });

describe(storyBrief.name, () => {
  it('with nothing read, picks central sentences of the new documents, citing each, without saying one thing twice', async () => {
    const sut = await storyBrief(
      [
        doc('a', 'The flood river rose. Residents evacuated as the flood river rose. Insurers put the damage at a million.'),
        doc('b', 'The flood river rose. Residents evacuated as the flood river rose.'),
      ],
      5,
      encoders,
    );
    const texts = sut.map((s) => s.text);
    // "The flood river rose." is in both documents: it appears once.
    expect(texts.filter((t) => t === 'The flood river rose.')).toHaveLength(1);
    expect(new Set(texts).size).toBe(texts.length);
    expect(sut.every((s) => ['a', 'b'].includes(s.documentId) && s.novelty === 1)).toBe(true);
    expect(texts).toContain('Insurers put the damage at a million.');
  });

  it('leaves out what the read documents told and ranks what is new first', async () => {
    const sut = await storyBrief(
      [
        doc('read', 'The flood river rose. Residents evacuated.', true),
        doc('new', 'The flood river rose. Residents evacuated. Insurers put the flood damage at a million. A wall was promised along the river.'),
      ],
      5,
      encoders,
    );
    const texts = sut.map((s) => s.text);
    expect(texts).not.toContain('The flood river rose.');
    expect(texts).not.toContain('Residents evacuated.');
    expect(texts).toEqual(expect.arrayContaining(['Insurers put the flood damage at a million.', 'A wall was promised along the river.']));
    expect(sut.every((s) => s.documentId === 'new' && s.novelty > 0 && s.novelty <= 1)).toBe(true);
  });

  it('keeps to the limit and to sentences with a vector', async () => {
    const sut = await storyBrief([doc('n', 'Flood damage. Blocked sluice gate. A wall promised. Nothing known here. Evacuated residents.')], 2, encoders);
    expect(sut).toHaveLength(2);
    expect(sut.map((s) => s.text)).not.toContain('Nothing known here.');
  });

  it('splits and compares Chinese documents with their own vectors', async () => {
    const sut = await storyBrief([doc('zh-read', '河水上涨。', true, true), doc('zh', '河水上涨。保险公司估计损失一百万。', false, true)], 3, encoders);
    expect(sut.map((s) => s.text)).toEqual(['保险公司估计损失一百万。']);
  });

  it('answers nothing when nothing is new', async () => {
    expect(await storyBrief([doc('read', 'The flood river rose.', true)], 3, encoders)).toEqual([]);
  });

  it('refuses a bad limit, too many documents or too long a text', async () => {
    for (const limit of [0, -1, 1.5, MAX_BRIEF_SENTENCES + 1, Number.NaN]) {
      await expect(storyBrief([doc('a', 'Flood.')], limit, encoders)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    const many = Array.from({ length: MAX_BRIEF_DOCUMENTS + 1 }, (_, i) => doc(`d${i}`, 'Flood.'));
    await expect(storyBrief(many, 3, encoders)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(storyBrief([doc('long', 'x'.repeat(MAX_BRIEF_TEXT_CHARS + 1))], 3, encoders)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
