import { SearchSegmenter, type SearchToken } from './search-segmenter';

/** More lexemes than this make a slow query and no better results. */
export const MAX_QUERY_LEXEMES = 64;

/** Words that carry no meaning on their own; left out of a query unless it has nothing else. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'is', 'it', 'of', 'on', 'or', 'the', 'to', 'was',
  'with', '的', '了', '和', '是', '在', '与', '及', '或', '也', '就', '都', '而', '着', '之',
]);

/** The full-text side of a search, as to_tsquery('simple', …) input (never spliced into SQL). */
export interface TextQuery {
  /** Lexemes and operators (& | ! <->), every lexeme quoted; empty when nothing can be searched. */
  tsquery: string;
  /** The positive words of letters and digits (lowercase), for the excerpts. */
  words: string[];
  /** The positive Chinese/Japanese words (to keep only their marks in an excerpt). */
  cjkWords: string[];
}

interface Term {
  negated: boolean;
  phrase: boolean;
  tokens: SearchToken[];
}

/**
 * Parses a query the way websearch_to_tsquery reads it — words are ANDed, "quoted text" is a phrase,
 * `-word` excludes, `or` between two terms is an alternative — but segments every term with
 * jieba first, so Chinese works, and builds the tsquery text from quoted lexemes only.
 */
export function parseTextQuery(raw: string, segmenter: SearchSegmenter): TextQuery {
  const groups = splitTerms(raw).map((group) =>
    group
      .map((term) => ({ ...term, tokens: term.tokens.slice(0, MAX_QUERY_LEXEMES) }))
      .filter((term) => term.tokens.length > 0),
  );
  const meaningful = (term: Term) => term.phrase || term.tokens.some((t) => !STOP_WORDS.has(t.text));
  const hasMeaning = groups.some((g) => g.some((t) => !t.negated && meaningful(t)));

  const clauses: string[] = [];
  const words: string[] = [];
  const cjkWords: string[] = [];
  let budget = MAX_QUERY_LEXEMES;
  for (const group of groups) {
    const alternatives: string[] = [];
    for (const term of group) {
      if (hasMeaning && !term.negated && !meaningful(term)) continue;
      const tokens = hasMeaning && !term.phrase ? withoutStopWords(term.tokens) : term.tokens;
      const used = tokens.slice(0, budget);
      budget -= used.length;
      if (used.length === 0) continue;
      const expression = termExpression(used);
      alternatives.push(term.negated ? `!${expression}` : expression);
      if (!term.negated) {
        words.push(...used.filter((t) => !t.cjk).map((t) => t.text));
        cjkWords.push(...used.filter((t) => t.cjk).map((t) => t.text));
      }
    }
    if (alternatives.length > 0) clauses.push(alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' | ')})`);
  }
  // A query of exclusions only would match nearly everything: it is not a search.
  if (words.length === 0 && cjkWords.length === 0) return { tsquery: '', words: [], cjkWords: [] };
  return { tsquery: clauses.join(' & '), words: [...new Set(words)], cjkWords: [...new Set(cjkWords)] };

  function splitTerms(text: string): Term[][] {
    const groups: Term[][] = [];
    let pendingOr = false;
    const pattern = /(-?)"([^"]*)"?|(\S+)/gu;
    for (const match of text.matchAll(pattern)) {
      const quoted = match[2] !== undefined;
      const word = quoted ? match[2] : match[3];
      if (!quoted && /^or$/i.test(word) && groups.length > 0) {
        pendingOr = true;
        continue;
      }
      const negated = quoted ? match[1] === '-' : word.startsWith('-');
      const body = !quoted && negated ? word.slice(1) : word;
      const term: Term = { negated, phrase: quoted, tokens: segmenter.tokens(body, 'query') };
      if (term.tokens.length === 0) continue;
      if (pendingOr) groups[groups.length - 1].push(term);
      else groups.push([term]);
      pendingOr = false;
    }
    return groups;
  }
}

function withoutStopWords(tokens: SearchToken[]): SearchToken[] {
  const kept = tokens.filter((t) => !STOP_WORDS.has(t.text));
  return kept.length > 0 ? kept : tokens;
}

/**
 * One term: a single lexeme, else a phrase (<->) of words that stand next to each other in the
 * document ("e-mail", a quoted English phrase). Chinese words are ANDed instead: jieba's search mode
 * puts extra words between them in the document, so positions do not line up.
 */
function termExpression(tokens: SearchToken[]): string {
  if (tokens.length === 1) return quoteLexeme(tokens[0].text);
  const operator = tokens.some((t) => t.cjk) ? ' & ' : ' <-> ';
  return `(${tokens.map((t) => quoteLexeme(t.text)).join(operator)})`;
}

/** A lexeme in tsquery syntax: single-quoted, quotes doubled, backslashes escaped. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
