/**
 * A Go text/template interpreter for the subset a Helm chart uses, so the suite can render deploy/helm without a
 * helm binary (none ships on npm) and without a network. It follows Go's rules where a chart could tell the
 * difference — trim markers, variable scopes, truthiness, `and`/`or` short-circuits, values from YAML being floats
 * while integer literals and `int`/`add`/`mul` give integers (so `printf "%d"` on a raw value fails here as it
 * does in Helm) — and refuses, with an error, every construct it does not implement instead of guessing.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A template function. Go integers are bigint here, float64 values (everything from YAML) are number. */
export type TemplateFunction = (...args: unknown[]) => unknown;

type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'identifier'; name: string }
  | { kind: 'pipeline'; pipeline: Pipeline };

interface Command {
  operands: Operand[];
}

interface Pipeline {
  declare?: { names: string[]; assign: boolean };
  commands: Command[];
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipeline: Pipeline; where: string }
  | { kind: 'if' | 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { kind: 'range'; pipeline: Pipeline; body: Node[]; otherwise: Node[]; where: string }
  | { kind: 'template'; name: string; pipeline: Pipeline | null; where: string };

type Item = { kind: 'text'; text: string } | { kind: 'action'; source: string; where: string };

/** Splits a template into text and actions, applying the `{{-` and `-}}` trim markers. */
function scan(source: string, file: string): Item[] {
  const items: Item[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      items.push({ kind: 'text', text });
      break;
    }
    const where = `${file}:${source.slice(0, open).split('\n').length}`;
    const trimBefore = /^\{\{-\s/.test(source.slice(open, open + 4));
    if (trimBefore) text = text.replace(/\s+$/, '');
    items.push({ kind: 'text', text });
    let start = open + (trimBefore ? 3 : 2);
    let close: number;
    if (source.slice(start).trimStart().startsWith('/*')) {
      const end = source.indexOf('*/', start);
      if (end === -1) throw new TemplateError(`${where}: unclosed comment`);
      close = source.indexOf('}}', end);
      start = close;
    } else {
      close = findClose(source, start, where);
    }
    if (close === -1) throw new TemplateError(`${where}: unclosed action`);
    const trimAfter = /\s-$/.test(source.slice(close - 2, close));
    const body = source.slice(start, trimAfter ? close - 2 : close).trim();
    if (body) items.push({ kind: 'action', source: body, where });
    trimNext = trimAfter;
    at = close + 2;
  }
  return items;
}

/** The `}}` closing an action, skipping any inside string literals. */
function findClose(source: string, from: number, where: string): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === '`') {
      const end = c === '`' ? source.indexOf('`', i + 1) : findQuoteEnd(source, i + 1);
      if (end === -1) throw new TemplateError(`${where}: unterminated string`);
      i = end;
    } else if (c === '}' && source[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

function findQuoteEnd(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === '"') return i;
    else if (source[i] === '\n') return -1;
  }
  return -1;
}

type Token =
  | { t: 'string' | 'number' | 'ident' | 'field' | 'var'; v: string }
  | { t: '(' | ')' | '|' | ',' | ':=' | '=' };

function tokenize(source: string, where: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|("(?:[^"\\\n]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|((?:\.[A-Za-z0-9_]+)+|\.)|([A-Za-z_][A-Za-z0-9_]*)|(:=|[()|,=])/y;
  while (pattern.lastIndex < source.length) {
    const at = pattern.lastIndex;
    const m = pattern.exec(source);
    if (!m) throw new TemplateError(`${where}: cannot read "${source.slice(at)}" in {{ ${source} }}`);
    if (m[1]) tokens.push({ t: 'string', v: JSON.parse(m[1]) as string });
    else if (m[2]) tokens.push({ t: 'string', v: m[2].slice(1, -1) });
    else if (m[3]) tokens.push({ t: 'number', v: m[3] });
    else if (m[4]) tokens.push({ t: 'var', v: m[4] });
    else if (m[5]) tokens.push({ t: 'field', v: m[5] });
    else if (m[6]) tokens.push({ t: 'ident', v: m[6] });
    else if (m[7]) tokens.push({ t: m[7] as '(' | ')' | '|' | ',' | ':=' | '=' });
  }
  return tokens;
}

class PipelineParser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly where: string,
  ) {}

  static parse(source: string, where: string, allowDeclare = true): Pipeline {
    const parser = new PipelineParser(tokenize(source, where), where);
    const pipeline = parser.pipeline(allowDeclare);
    if (parser.at < parser.tokens.length) throw new TemplateError(`${where}: unexpected "${parser.describe()}" in {{ ${source} }}`);
    return pipeline;
  }

  private describe(): string {
    const token = this.tokens[this.at];
    return token ? ('v' in token ? token.v : token.t) : 'end';
  }

  private pipeline(allowDeclare: boolean): Pipeline {
    const pipeline: Pipeline = { commands: [] };
    const declared = this.declaration();
    if (declared) {
      if (!allowDeclare) throw new TemplateError(`${this.where}: a variable cannot be declared here`);
      pipeline.declare = declared;
    }
    for (;;) {
      const operands: Operand[] = [];
      while (this.at < this.tokens.length && !['|', ')'].includes(this.tokens[this.at].t)) operands.push(this.operand());
      if (operands.length === 0) throw new TemplateError(`${this.where}: missing command`);
      pipeline.commands.push({ operands });
      if (this.tokens[this.at]?.t !== '|') return pipeline;
      this.at++;
    }
  }

  private declaration(): Pipeline['declare'] | undefined {
    const names: string[] = [];
    let i = this.at;
    for (;;) {
      const token = this.tokens[i];
      if (token?.t !== 'var' || token.v.includes('.')) return undefined;
      names.push(token.v);
      const next = this.tokens[i + 1];
      if (next?.t === ',') {
        i += 2;
        continue;
      }
      if (next?.t !== ':=' && next?.t !== '=') return undefined;
      this.at = i + 2;
      return { names, assign: next.t === '=' };
    }
  }

  private operand(): Operand {
    const token = this.tokens[this.at++];
    switch (token.t) {
      case 'string':
        return { kind: 'literal', value: token.v };
      case 'number':
        return { kind: 'literal', value: token.v.includes('.') ? Number(token.v) : BigInt(token.v) };
      case 'var': {
        const [name, ...path] = token.v.split('.');
        return { kind: 'variable', name, path };
      }
      case 'field':
        return { kind: 'field', path: token.v === '.' ? [] : token.v.slice(1).split('.') };
      case 'ident':
        if (token.v === 'true' || token.v === 'false') return { kind: 'literal', value: token.v === 'true' };
        if (token.v === 'nil') return { kind: 'literal', value: undefined };
        return { kind: 'identifier', name: token.v };
      case '(': {
        const pipeline = this.pipeline(false);
        if (this.tokens[this.at++]?.t !== ')') throw new TemplateError(`${this.where}: missing ")"`);
        return { kind: 'pipeline', pipeline };
      }
      default:
        throw new TemplateError(`${this.where}: unexpected "${token.t}"`);
    }
  }
}

/** Parsed templates by name: each file under its path, and every {{ define }}. */
export class TemplateSet {
  private readonly templates = new Map<string, Node[]>();

  add(name: string, source: string): void {
    const items = scan(source, name);
    let at = 0;
    const defines: Array<[string, Node[]]> = [];
    const parseUntil = (ends: string[]): { nodes: Node[]; end: string; where: string } => {
      const nodes: Node[] = [];
      while (at < items.length) {
        const item = items[at++];
        if (item.kind === 'text') {
          if (item.text) nodes.push({ kind: 'text', text: item.text });
          continue;
        }
        const [keyword] = item.source.split(/\s+/, 1);
        const rest = item.source.slice(keyword.length).trim();
        if (ends.includes(keyword)) return { nodes, end: item.source, where: item.where };
        if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
          nodes.push(parseBlock(keyword, rest, item.where));
        } else if (keyword === 'define') {
          const templateName = PipelineParser.parse(rest, item.where, false).commands[0]?.operands[0];
          if (templateName?.kind !== 'literal' || typeof templateName.value !== 'string') throw new TemplateError(`${item.where}: define needs a name`);
          const inner = parseUntil(['end']);
          defines.push([templateName.value, inner.nodes]);
        } else if (keyword === 'template') {
          const call = /^("(?:[^"\\\n]|\\.)*")\s*([\s\S]*)$/.exec(rest);
          if (!call) throw new TemplateError(`${item.where}: template needs a double-quoted name`);
          const [, quoted, data] = call;
          nodes.push({ kind: 'template', name: JSON.parse(quoted) as string, pipeline: data ? PipelineParser.parse(data, item.where, false) : null, where: item.where });
        } else if (['else', 'end', 'block', 'break', 'continue'].includes(keyword)) {
          throw new TemplateError(`${item.where}: unexpected {{ ${item.source} }}`);
        } else {
          nodes.push({ kind: 'output', pipeline: PipelineParser.parse(item.source, item.where), where: item.where });
        }
      }
      if (ends.length) throw new TemplateError(`${name}: missing {{ end }}`);
      return { nodes, end: '', where: name };
    };
    const parseBlock = (keyword: 'if' | 'with' | 'range', source: string, where: string): Node => {
      const pipeline = PipelineParser.parse(source, where);
      const body = parseUntil(['else', 'end']);
      let otherwise: Node[] = [];
      if (body.end !== 'end') {
        const elseSource = body.end.slice('else'.length).trim();
        if (elseSource.startsWith('if ') && keyword === 'if') otherwise = [parseBlock('if', elseSource.slice(3), body.where)];
        else if (elseSource) throw new TemplateError(`${body.where}: unsupported {{ ${body.end} }}`);
        else otherwise = parseUntil(['end']).nodes;
      }
      return { kind: keyword, pipeline, body: body.nodes, otherwise, where };
    };
    const nodes = parseUntil([]).nodes;
    this.templates.set(name, nodes);
    for (const [defined, body] of defines) this.templates.set(defined, body);
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** Executes a template with `data` as dot (and $). */
  execute(name: string, data: unknown, functions: Record<string, TemplateFunction>): string {
    const nodes = this.templates.get(name);
    if (!nodes) throw new TemplateError(`no template "${name}"`);
    const run = new Execution(this, functions);
    return run.nodes(nodes, data, [new Map([['$', data]])]);
  }
}

type Scope = Array<Map<string, unknown>>;

class Execution {
  private depth = 0;
  constructor(
    private readonly set: TemplateSet,
    private readonly functions: Record<string, TemplateFunction>,
  ) {}

  nodes(nodes: Node[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) out += this.node(node, dot, scope);
    return out;
  }

  private node(node: Node, dot: unknown, scope: Scope): string {
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'output': {
        const value = this.pipeline(node.pipeline, dot, scope, node.where);
        return node.pipeline.declare ? '' : stringValue(value, node.where);
      }
      case 'if':
      case 'with': {
        const inner: Scope = [...scope, new Map()];
        const value = this.pipeline(node.pipeline, dot, inner, node.where);
        if (truthy(value)) return this.nodes(node.body, node.kind === 'with' ? value : dot, inner);
        return this.nodes(node.otherwise, dot, inner);
      }
      case 'range':
        return this.range(node, dot, scope);
      case 'template': {
        const data = node.pipeline ? this.pipeline(node.pipeline, dot, scope, node.where) : undefined;
        return this.include(node.name, data);
      }
    }
  }

  include(name: string, data: unknown): string {
    if (++this.depth > 100) throw new TemplateError(`template "${name}": too deeply nested`);
    try {
      return this.set.execute(name, data, this.functions);
    } finally {
      this.depth--;
    }
  }

  private range(node: Extract<Node, { kind: 'range' }>, dot: unknown, scope: Scope): string {
    const { declare, commands } = node.pipeline;
    const value = this.pipeline({ commands }, dot, scope, node.where);
    let entries: Array<[unknown, unknown]>;
    if (Array.isArray(value)) entries = value.map((v, i) => [BigInt(i), v]);
    else if (isMap(value)) entries = Object.keys(value).sort().map((k) => [k, value[k]]);
    else if (value === undefined || value === null) entries = [];
    else throw new TemplateError(`${node.where}: range can't iterate over ${describe(value)}`);
    if (entries.length === 0) return this.nodes(node.otherwise, dot, [...scope, new Map()]);
    if (declare && (declare.assign || declare.names.length > 2)) throw new TemplateError(`${node.where}: range declares one or two variables`);
    let out = '';
    for (const [key, element] of entries) {
      const frame = new Map<string, unknown>();
      if (declare?.names.length === 1) frame.set(declare.names[0], element);
      if (declare?.names.length === 2) {
        frame.set(declare.names[0], key);
        frame.set(declare.names[1], element);
      }
      out += this.nodes(node.body, element, [...scope, frame]);
    }
    return out;
  }

  private pipeline(pipeline: Pipeline, dot: unknown, scope: Scope, where: string): unknown {
    let value: unknown;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.command(command, dot, scope, where, piped ? { value } : undefined);
      piped = true;
    }
    if (pipeline.declare) {
      const [name] = pipeline.declare.names;
      if (pipeline.declare.names.length !== 1) throw new TemplateError(`${where}: only range declares two variables`);
      if (pipeline.declare.assign) {
        const frame = [...scope].reverse().find((f) => f.has(name));
        if (!frame) throw new TemplateError(`${where}: undefined variable ${name}`);
        frame.set(name, value);
      } else {
        scope[scope.length - 1].set(name, value);
      }
    }
    return value;
  }

  private command(command: Command, dot: unknown, scope: Scope, where: string, piped?: { value: unknown }): unknown {
    const [first, ...rest] = command.operands;
    if (first.kind === 'identifier') {
      const name = first.name;
      if (name === 'and' || name === 'or') return this.logical(name, rest, dot, scope, where, piped);
      if (name === 'include') {
        const args = [...rest.map((o) => this.operand(o, dot, scope, where)), ...(piped ? [piped.value] : [])];
        if (args.length !== 2 || typeof args[0] !== 'string') throw new TemplateError(`${where}: include takes a template name and its data`);
        return this.include(args[0], args[1]);
      }
      const fn = this.functions[name];
      if (!fn) throw new TemplateError(`${where}: function "${name}" not defined`);
      const args = rest.map((o) => this.operand(o, dot, scope, where));
      if (piped) args.push(piped.value);
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof TemplateError) throw new TemplateError(`${where}: ${name}: ${error.message}`);
        throw error;
      }
    }
    if (rest.length > 0) throw new TemplateError(`${where}: can't give argument to non-function`);
    if (piped) throw new TemplateError(`${where}: can't pipe a value into a non-function`);
    return this.operand(first, dot, scope, where);
  }

  /** Go 1.18+: `and` stops at the first false argument, `or` at the first true one, returning it. */
  private logical(name: 'and' | 'or', operands: Operand[], dot: unknown, scope: Scope, where: string, piped?: { value: unknown }): unknown {
    if (operands.length === 0 && !piped) throw new TemplateError(`${where}: ${name} needs at least one argument`);
    let value: unknown;
    for (const operand of operands) {
      value = this.operand(operand, dot, scope, where);
      if (truthy(value) === (name === 'or')) return value;
    }
    return piped ? piped.value : value;
  }

  private operand(operand: Operand, dot: unknown, scope: Scope, where: string): unknown {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'field':
        return fieldPath(dot, operand.path, where, '');
      case 'variable': {
        const frame = [...scope].reverse().find((f) => f.has(operand.name));
        if (!frame) throw new TemplateError(`${where}: undefined variable "${operand.name}"`);
        return fieldPath(frame.get(operand.name), operand.path, where, operand.name);
      }
      case 'identifier': {
        const fn = this.functions[operand.name];
        if (!fn) throw new TemplateError(`${where}: function "${operand.name}" not defined`);
        return fn();
      }
      case 'pipeline':
        return this.pipeline(operand.pipeline, dot, scope, where);
    }
  }
}

function fieldPath(value: unknown, path: string[], where: string, start: string): unknown {
  let current = value;
  let walked = start;
  for (const key of path) {
    if (!isMap(current)) throw new TemplateError(`${where}: nil pointer evaluating ${walked}.${key} (${describe(current)} has no fields)`);
    current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    walked += `.${key}`;
  }
  return current;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nil';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'bigint' ? 'int' : typeof value === 'number' ? 'float64' : typeof value;
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0 || value === 0n) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * fmt's %v of a float64 (strconv's 'g' with the shortest digits): the exponent form below 1e-4 and, since the
 * shortest form decides with a precision of 6, from 1e6 up — so a value of 1000000 from values.yaml prints
 * "1e+06" in Helm, and here.
 */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** fmt.Sprint of one value (what an action prints; Helm turns Go's "<no value>" into nothing). */
export function stringValue(value: unknown, where = ''): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return formatFloat(value);
  throw new TemplateError(`${where ? `${where}: ` : ''}printing ${describe(value)} as text gives Go's map[...] form: use toYaml`);
}
