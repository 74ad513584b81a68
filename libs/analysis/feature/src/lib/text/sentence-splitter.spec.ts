import { splitSentences } from './sentence-splitter';

describe(splitSentences.name, () => {
  it('splits at . ! ? and keeps the terminators', () => {
    expect(splitSentences('It rained. Did it stop? Yes!  It did.')).toEqual(['It rained.', 'Did it stop?', 'Yes!', 'It did.']);
  });

  it('does not split after common abbreviations and initialisms', () => {
    const text = 'Mr. Smith met Dr. Jones in the U.S. Senate on Monday. They spoke about taxes, e.g. the new levy. It ended late.';
    expect(splitSentences(text)).toEqual([
      'Mr. Smith met Dr. Jones in the U.S. Senate on Monday.',
      'They spoke about taxes, e.g. the new levy.',
      'It ended late.',
    ]);
  });

  it('does not split inside numbers or at a single initial', () => {
    expect(splitSentences('Growth was 3.5 percent, said J. K. Rowling. Then it fell.')).toEqual([
      'Growth was 3.5 percent, said J. K. Rowling.',
      'Then it fell.',
    ]);
  });

  it('splits Chinese full-width terminators without spaces', () => {
    expect(splitSentences('今天天气很好。我们去公园吧！你来吗？好的')).toEqual(['今天天气很好。', '我们去公园吧！', '你来吗？', '好的']);
  });

  it('keeps closing quotes with their sentence and treats "?!" and "..." as one end', () => {
    expect(splitSentences('He said "Go home." She asked why?! Nobody knew... The end')).toEqual([
      'He said "Go home."',
      'She asked why?!',
      'Nobody knew...',
      'The end',
    ]);
  });

  it('splits at line breaks and drops empty or punctuation-only pieces', () => {
    expect(splitSentences('Headline without period\n\nBody text here.\n---\n')).toEqual(['Headline without period', 'Body text here.']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('  \n ')).toEqual([]);
  });
});
