import { STORY_MIN_COSINE, storyMinCosine } from './story-choice';

describe(storyMinCosine.name, () => {
  it("uses the model's own bar when it has one, by name whatever the version", () => {
    expect(storyMinCosine('use-lite-en@1.0.0')).toBe(0.83);
    expect(storyMinCosine('use-lite-en@2.0.0')).toBe(0.83);
    expect(storyMinCosine('use-lite-en-int8@1.2.0')).toBe(0.83);
  });

  it('keeps the conservative bar for the word-vector model and for models it does not know', () => {
    expect(storyMinCosine('wink-sg100d@1.0.0')).toBe(STORY_MIN_COSINE);
    expect(storyMinCosine('BAAI--bge-small-en-v1.5@main')).toBe(STORY_MIN_COSINE);
    expect(storyMinCosine('use-lite-en-but-other')).toBe(STORY_MIN_COSINE);
    expect(storyMinCosine('')).toBe(STORY_MIN_COSINE);
  });
});
