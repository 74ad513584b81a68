import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { dump, load, loadAll } from 'js-yaml';
import { isMap, stringValue, TemplateError, TemplateSet, truthy, type TemplateFunction } from './go-template';

/**
 * `helm template` for the suite: loads a chart, merges values like Helm (maps merge, null deletes), checks them
 * against values.schema.json, renders every template with the Sprig/Helm functions the chart uses and returns
 * the manifests. Functions outside this list fail the render, so the chart stays within what is checked here.
 */

export interface RenderOptions {
  /** Values over values.yaml (like `-f` files, in order). */
  values?: Array<Record<string, unknown>>;
  release?: { name?: string; namespace?: string; isUpgrade?: boolean };
}

export interface RenderedChart {
  /** Rendered text per template path (chart/templates/…), partials (_*.tpl) left out. */
  files: Map<string, string>;
  /** Every non-empty YAML document of the rendered templates (NOTES.txt left out). */
  manifests: Array<Record<string, unknown>>;
  notes: string;
  values: Record<string, unknown>;
}

export class ChartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartError';
  }
}

/** Helm's value coalescing: maps merge key by key, a null removes the key, anything else replaces. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key] as Record<string, unknown>, value);
    else merged[key] = value;
  }
  return merged;
}

function toInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}

/** Sprig's empty: nil, false, 0, "" and empty lists and maps. */
function empty(value: unknown): boolean {
  return !truthy(value);
}

/** Go's %q for the strings a chart holds (printable text: JSON's escaping is the same). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** fmt.Sprintf for %s, %d, %v, %q and %%; a %d of a float gives Go's "%!d(float64=…)". */
function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  const out = format.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    if (verb === 'd') return typeof arg === 'bigint' ? String(arg) : `%!d(${typeof arg === 'number' ? 'float64' : typeof arg}=${stringValue(arg)})`;
    if (verb === 'q') return goQuote(stringValue(arg));
    return stringValue(arg);
  });
  if (next < args.length) throw new TemplateError(`printf: ${args.length - next} argument(s) left over for "${format}"`);
  return out;
}

function indent(spaces: unknown, text: unknown): string {
  const pad = ' '.repeat(Number(toInt(spaces)));
  return pad + stringValue(text).replace(/\n/g, `\n${pad}`);
}

/** sigs.k8s.io/yaml as Helm's toYaml calls it: keys sorted, lists not indented under their key, no final newline. */
function toYaml(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const plain = JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown;
  return dump(plain, { sortKeys: true, noArrayIndent: true, lineWidth: -1, noRefs: true }).replace(/\n$/, '');
}

/** Go template `eq`/`ne`: basic values of one kind; comparing an int with a float64 is an error, as in Go. */
function equal(a: unknown, b: unknown): boolean {
  const kind = (v: unknown) => (v === undefined || v === null ? 'nil' : typeof v);
  if (kind(a) !== kind(b)) throw new TemplateError(`incompatible types for comparison (${kind(a)} and ${kind(b)})`);
  if (typeof a === 'object' && a !== null) throw new TemplateError('non-comparable type');
  return a === b;
}

export function helmFunctions(): Record<string, TemplateFunction> {
  return {
    default: (fallback, ...given) => (given.length === 0 || empty(given[0]) ? fallback : given[0]),
    empty: (value) => empty(value),
    required: (message, value) => {
      if (value === undefined || value === null || value === '') throw new TemplateError(stringValue(message));
      return value;
    },
    fail: (message) => {
      throw new TemplateError(stringValue(message));
    },
    quote: (...args) => args.filter((a) => a !== undefined && a !== null).map((a) => goQuote(stringValue(a))).join(' '),
    toString: (value: unknown) => stringValue(value),
    toYaml,
    indent,
    nindent: (spaces, text) => `\n${indent(spaces, text)}`,
    trunc: (length, text) => {
      const s = stringValue(text);
      const n = Number(toInt(length));
      return n < 0 ? s.slice(Math.max(0, s.length + n)) : s.slice(0, n);
    },
    trimSuffix: (suffix, text) => {
      const s = stringValue(text);
      const end = stringValue(suffix);
      return end && s.endsWith(end) ? s.slice(0, -end.length) : s;
    },
    replace: (from, to, text) => stringValue(text).split(stringValue(from)).join(stringValue(to)),
    contains: (part, text) => stringValue(text).includes(stringValue(part)),
    upper: (text) => stringValue(text).toUpperCase(),
    lower: (text) => stringValue(text).toLowerCase(),
    printf: (format, ...args) => sprintf(stringValue(format), ...args),
    print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + stringValue(a)).join(''),
    int: (value) => toInt(value),
    add: (...values) => values.reduce<bigint>((sum, v) => sum + toInt(v), 0n),
    mul: (...values) => values.reduce<bigint>((product, v) => product * toInt(v), 1n),
    dict: (...pairs) => {
      if (pairs.length % 2) throw new TemplateError('dict takes key/value pairs');
      const out: Record<string, unknown> = {};
      for (let i = 0; i < pairs.length; i += 2) out[stringValue(pairs[i])] = pairs[i + 1];
      return out;
    },
    list: (...items) => items,
    hasKey: (map, key) => isMap(map) && Object.prototype.hasOwnProperty.call(map, stringValue(key)),
    index: (collection, ...keys) =>
      keys.reduce((current, key) => {
        if (Array.isArray(current)) {
          const i = Number(toInt(key));
          if (i < 0 || i >= current.length) throw new TemplateError(`index out of range: ${i}`);
          return current[i];
        }
        if (isMap(current)) return current[stringValue(key)];
        throw new TemplateError(`can't index item of type ${current === undefined ? 'nil' : typeof current}`);
      }, collection),
    eq: (a, ...others) => {
      if (others.length === 0) throw new TemplateError('eq needs two arguments');
      return others.some((b) => equal(a, b));
    },
    ne: (a, b) => !equal(a, b),
    not: (value) => !truthy(value),
    sha256sum: (text) => createHash('sha256').update(stringValue(text)).digest('hex'),
    b64enc: (text) => Buffer.from(stringValue(text)).toString('base64'),
  };
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? templateFiles(path) : [path];
    });
}

const validators = new Map<string, ValidateFunction | null>();

/** values.schema.json compiled once per path (null when the chart has none). */
function valuesValidator(path: string): ValidateFunction | null {
  if (!validators.has(path)) {
    const schema = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as object) : null;
    validators.set(path, schema && new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema));
  }
  return validators.get(path) ?? null;
}

/** Renders a chart directory as `helm template <release> <dir> -f …` does, without a cluster. */
export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedChart {
  const chart = load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const chartName = String(chart['name']);
  let values = (load(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  for (const override of options.values ?? []) values = mergeValues(values, override);
  const validate = valuesValidator(join(chartDir, 'values.schema.json'));
  if (validate) {
    if (!validate(values)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      throw new ChartError(`values don't meet the chart's schema: ${problems}`);
    }
  }

  const set = new TemplateSet();
  const templatesDir = join(chartDir, 'templates');
  const names: string[] = [];
  for (const path of templateFiles(templatesDir)) {
    const name = `${chartName}/${relative(chartDir, path).split('\\').join('/')}`;
    set.add(name, readFileSync(path, 'utf8'));
    names.push(name);
  }
  const release = {
    Name: options.release?.name ?? 'autoglm',
    Namespace: options.release?.namespace ?? 'default',
    Service: 'Helm',
    IsInstall: !options.release?.isUpgrade,
    IsUpgrade: Boolean(options.release?.isUpgrade),
    Revision: 1,
  };
  const chartObject = {
    Name: chartName,
    Version: String(chart['version']),
    AppVersion: String(chart['appVersion'] ?? ''),
    Description: String(chart['description'] ?? ''),
    Type: String(chart['type'] ?? 'application'),
  };
  const functions = helmFunctions();
  const files = new Map<string, string>();
  const manifests: Array<Record<string, unknown>> = [];
  let notes = '';
  for (const name of names) {
    const file = basename(name);
    if (file.startsWith('_')) continue;
    const data = { Values: values, Release: release, Chart: chartObject, Template: { Name: name, BasePath: `${chartName}/templates` } };
    const text = set.execute(name, data, functions);
    if (file === 'NOTES.txt') {
      notes = text;
      continue;
    }
    files.set(name, text);
    try {
      for (const doc of loadAll(text)) if (doc !== null && doc !== undefined) manifests.push(doc as Record<string, unknown>);
    } catch (error) {
      throw new ChartError(`${name} renders YAML that does not parse: ${(error as Error).message}\n${text}`);
    }
  }
  return { files, manifests, notes, values };
}
