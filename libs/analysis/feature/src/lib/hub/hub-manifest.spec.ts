import { buildHubManifest, familyPrefixes, licenseOfModelCard, maxTokensOf, poolingOf, tokenizerKindOf } from './hub-manifest';

describe(buildHubManifest.name, () => {
  it('knows the prefixes of e5 and bge, and none for other families', () => {
    expect(familyPrefixes('intfloat/multilingual-e5-small')).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(familyPrefixes('Xenova/e5-base-v2')).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(familyPrefixes('BAAI/bge-small-en-v1.5')).toEqual({ query: 'Represent this sentence for searching relevant passages: ', passage: '' });
    expect(familyPrefixes('BAAI/bge-small-zh-v1.5')?.query).toBe('为这个句子生成表示以用于检索相关文章：');
    expect(familyPrefixes('BAAI/bge-m3')).toBeUndefined();
    expect(familyPrefixes('sentence-transformers/all-MiniLM-L6-v2')).toBeUndefined();
    expect(familyPrefixes('thenlper/gte-small')).toBeUndefined();
  });

  it('reads pooling from 1_Pooling/config.json, else CLS for bge and mean for the rest', () => {
    expect(poolingOf({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }, 'x/y')).toBe('cls');
    expect(poolingOf({ pooling_mode_mean_tokens: true }, 'BAAI/bge-small-en')).toBe('mean');
    expect(poolingOf({ pooling_mode_max_tokens: true }, 'x/y')).toBe('max');
    expect(poolingOf(undefined, 'BAAI/bge-small-en')).toBe('cls');
    expect(poolingOf(undefined, 'x/minilm')).toBe('mean');
  });

  it('takes max tokens from the tokenizer truncation, else the position embeddings (2 reserved by RoBERTa)', () => {
    expect(maxTokensOf({ max_position_embeddings: 512, model_type: 'bert' }, { truncation: { max_length: 128 } })).toBe(128);
    expect(maxTokensOf({ max_position_embeddings: 514, model_type: 'xlm-roberta' }, { truncation: null })).toBe(512);
    expect(maxTokensOf({}, {})).toBe(512);
  });

  it('names the tokenizer kind and the model card license', () => {
    expect(tokenizerKindOf({ model: { type: 'WordPiece' } })).toBe('wordpiece');
    expect(tokenizerKindOf({ model: { type: 'Unigram' } })).toBe('unigram');
    expect(tokenizerKindOf({ model: { type: 'BPE' } })).toBe('bpe');
    expect(licenseOfModelCard('---\nlanguage: en\nlicense: "mit"\n---\n# x')).toBe('mit');
    expect(licenseOfModelCard('# no front matter\nlicense: mit')).toBeUndefined();
  });
});
