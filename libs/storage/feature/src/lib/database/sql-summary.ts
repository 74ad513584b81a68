import { LRUCache } from 'lru-cache';

/**
 * What a span may say about an SQL text without its values (OpenTelemetry database semantic
 * conventions): the operation, a low-cardinality summary ("SELECT articles", "INSERT articles") and
 * the text with every literal replaced by `?`. Bind parameters ($1, $2 …) stay as they are: their
 * values are never part of the text.
 */
export interface SqlDescription {
  /** db.operation.name: the statement's main operation (the DML verb at the outer level, else its first keyword). */
  operation: string;
  /** db.query.summary: each operation with the tables it names after FROM, JOIN, INTO or UPDATE, in order. */
  summary: string;
  /** db.query.text: the text without comments, every string, dollar-quoted and numeric literal a `?`. */
  text: string;
}

/** Summaries and texts longer than these are cut (a span attribute is not a log). */
export const MAX_SUMMARY_LENGTH = 255;
export const MAX_SANITIZED_TEXT_LENGTH = 2_048;

/**
 * `text`: a word or name as meant (quotes removed); `upper`: a word in capitals (keywords compare so), else
 * the text; `raw`: as written (a literal: `?`); `space`: whitespace or a comment before it.
 */
type Token = { kind: 'word' | 'name' | 'literal' | 'other'; text: string; upper: string; raw: string; space: boolean };

const DML = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);
const TARGET_BEFORE = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE']);

/**
 * Descriptions kept by SQL text, the most recently used first: the texts are mostly the code's own
 * templates, so each is described once; texts with literals or list lengths written into them, which
 * could be endless, only push out the least used.
 */
export const MAX_DESCRIBED_TEXTS = 1_000;
const described = new LRUCache<string, SqlDescription>({ max: MAX_DESCRIBED_TEXTS });

export function describeSql(sql: string): SqlDescription {
  const known = described.get(sql);
  if (known) return known;
  const tokens = tokenize(sql);
  const description = { operation: operationOf(tokens), summary: summaryOf(tokens), text: sanitizedText(tokens) };
  described.set(sql, description);
  return description;
}

function operationOf(tokens: Token[]): string {
  let depth = 0;
  let firstDml = '';
  for (const [i, token] of tokens.entries()) {
    if (token.text === '(') depth += 1;
    else if (token.text === ')') depth = Math.max(0, depth - 1);
    else if (token.kind === 'word' && DML.has(token.upper) && !isClauseUpdate(tokens, i)) {
      if (depth === 0) return token.upper;
      firstDml ||= token.upper;
    }
  }
  return firstDml || (tokens.find((t) => t.kind === 'word')?.upper ?? '');
}

function summaryOf(tokens: Token[]): string {
  const parts: string[] = [];
  const push = (part: string) => {
    if (parts[parts.length - 1] !== part) parts.push(part);
  };
  tokens.forEach((token, i) => {
    if (token.kind !== 'word' || isClauseUpdate(tokens, i)) return;
    const upper = token.upper;
    if (DML.has(upper)) push(upper);
    if (!TARGET_BEFORE.has(upper)) return;
    const target = tokens[i + 1];
    // A function call (FROM unnest(…), EXTRACT(epoch FROM now())) names no table; INTO t(…) lists columns.
    const call = tokens[i + 2]?.text === '(' && upper !== 'INTO';
    if (target && (target.kind === 'name' || (target.kind === 'word' && !isKeyword(target))) && !call) push(target.text);
  });
  const summary = parts.length ? parts.join(' ') : leadingWords(tokens);
  return summary.length > MAX_SUMMARY_LENGTH ? summary.slice(0, MAX_SUMMARY_LENGTH) : summary;
}

/** UPDATE in FOR [NO KEY] UPDATE (a row lock) or ON CONFLICT … DO UPDATE (part of an INSERT) is no operation of its own. */
function isClauseUpdate(tokens: Token[], i: number): boolean {
  const before = tokens[i - 1]?.upper;
  return tokens[i].upper === 'UPDATE' && (before === 'FOR' || before === 'KEY' || before === 'DO');
}

/** BEGIN, START TRANSACTION, SET, CREATE INDEX …: the statement's first two keywords. */
function leadingWords(tokens: Token[]): string {
  const words: string[] = [];
  for (const token of tokens) {
    if (!isKeyword(token)) break;
    words.push(token.upper);
    if (words.length === 2) break;
  }
  return words.join(' ');
}

const KEYWORDS = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'WITH', 'FROM', 'JOIN', 'INTO', 'WHERE', 'SET', 'VALUES', 'LATERAL', 'ONLY',
  'BEGIN', 'START', 'TRANSACTION', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'VACUUM',
  'ANALYZE', 'SHOW', 'LOCK', 'TABLE', 'INDEX', 'EXTENSION', 'ISOLATION', 'LEVEL', 'TO', 'ON', 'DO', 'NOTHING', 'RETURNING',
]);

function isKeyword(token: Token): boolean {
  return token.kind === 'word' && KEYWORDS.has(token.upper);
}

function sanitizedText(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    text += (text && token.space ? ' ' : '') + token.raw;
    if (text.length > MAX_SANITIZED_TEXT_LENGTH) return text.slice(0, MAX_SANITIZED_TEXT_LENGTH);
  }
  return text;
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isWordStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080';

const PLACEHOLDER = /\$\d+/y;
const DOLLAR_TAG = /\$[A-Za-z_]?\w*\$/y;
const NUMBER = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y;

/** PostgreSQL's lexical structure, as far as the description needs it; whitespace and comments are dropped. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let space = false;
  const push = (kind: Token['kind'], text: string, raw = text) => {
    tokens.push({ kind, text, upper: kind === 'word' ? text.toUpperCase() : text, raw, space });
    space = false;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';
    /** What the sticky `pattern` matches here; every caller has checked the first character, so at least that. */
    const lexeme = (pattern: RegExp) => {
      pattern.lastIndex = i;
      return pattern.exec(sql)?.[0] ?? c;
    };
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f') {
      space = true;
      i += 1;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      space = true;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      space = true;
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      i = skipQuoted(sql, c === "'" ? i : i + 1, c !== "'");
      push('literal', '?');
    } else if (c === '$' && isDigit(next)) {
      const placeholder = lexeme(PLACEHOLDER);
      push('other', placeholder);
      i += placeholder.length;
    } else if (c === '$' && lexeme(DOLLAR_TAG) !== c) {
      const tag = lexeme(DOLLAR_TAG);
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
      push('literal', '?');
    } else if (c === '"') {
      const end = skipQuoted(sql, i, false, '"');
      push('name', sql.slice(i + 1, end - 1).replace(/""/g, '"'), sql.slice(i, end));
      i = end;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      i += lexeme(NUMBER).length;
      push('literal', '?');
    } else if (isWordStart(c)) {
      const word = lexeme(WORD);
      push('word', word);
      i += word.length;
    } else {
      push('other', c);
      i += 1;
    }
  }
  return joinQualifiedNames(tokens);
}

/** Where a quoted text starting at `start` ends (one past its closing quote); a doubled quote is one quote. */
function skipQuoted(sql: string, start: number, backslashEscapes: boolean, quote = "'"): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

const isName = (token: Token) => token.kind === 'word' || token.kind === 'name';

/** schema.table (quoted or not) as one name. */
function joinQualifiedNames(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const previous = out[out.length - 1];
    const following = tokens[i + 1];
    if (token.text === '.' && !token.space && previous && isName(previous) && following && !following.space && isName(following)) {
      const text = `${previous.text}.${following.text}`;
      out[out.length - 1] = { kind: 'name', text, upper: text, raw: `${previous.raw}.${following.raw}`, space: previous.space };
      i += 1;
    } else {
      out.push(token);
    }
  }
  return out;
}
