import { SourceKindError } from './source-kind-error';

/**
 * A small CSS selector engine for the list pages of web-page sources. It walks the DOM itself
 * (linkedom's querySelectorAll needs ES-module-only packages the test setup does not load) and
 * supports what list pages need: type, universal, #id, .class and attribute selectors
 * ([a], [a=v], [a~=v], [a|=v], [a^=v], [a$=v], [a*=v]), the descendant (space) and child (>)
 * combinators, and selector lists (a, b). Pseudo-classes and sibling combinators are refused
 * with a clear error.
 */

/** The DOM as far as selectors read it (linkedom elements implement it). */
export interface SelectableElement {
  tagName: string;
  getAttribute(name: string): string | null;
  readonly children: ArrayLike<SelectableElement>;
  readonly parentElement: SelectableElement | null;
}

interface AttributeTest {
  name: string;
  operator: '' | '=' | '~=' | '|=' | '^=' | '$=' | '*=';
  value: string;
}

interface Compound {
  tag: string | null;
  ids: string[];
  classes: string[];
  attributes: AttributeTest[];
}

/** A complex selector, rightmost compound last; combinators[i] joins parts[i] and parts[i + 1]. */
interface Complex {
  parts: Compound[];
  combinators: Array<' ' | '>'>;
}

export type CompiledSelector = Complex[];

const IDENT = /^-?[A-Za-z_\u00a0-\uffff][\w\u00a0-\uffff-]*/;

/** Parses a selector list; throws SourceKindError naming the selector when it is not supported. */
export function compileSelector(selector: string): CompiledSelector {
  const fail = (why: string): never => {
    throw new SourceKindError(`the CSS selector "${selector}" ${why}`);
  };
  let rest = selector.trim();
  if (!rest) fail('is empty');
  const list: Complex[] = [];
  let complex: Complex = { parts: [], combinators: [] };
  let pending: ' ' | '>' | null = null;
  while (rest.length > 0) {
    const space = /^\s+/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      if (complex.parts.length > 0 && pending === null) pending = ' ';
      continue;
    }
    if (rest[0] === '>') {
      if (complex.parts.length === 0 || pending === '>') fail('has a misplaced ">"');
      pending = '>';
      rest = rest.slice(1);
      continue;
    }
    if (rest[0] === ',') {
      if (complex.parts.length === 0 || pending === '>') fail('has an empty part');
      list.push(complex);
      complex = { parts: [], combinators: [] };
      pending = null;
      rest = rest.slice(1);
      continue;
    }
    if (rest[0] === '+' || rest[0] === '~') fail('uses a sibling combinator, which is not supported');
    if (rest[0] === ':') fail('uses a pseudo-class, which is not supported');
    const [compound, after] = parseCompound(rest, fail);
    if (complex.parts.length > 0) complex.combinators.push(pending ?? ' ');
    complex.parts.push(compound);
    pending = null;
    rest = after;
  }
  if (complex.parts.length === 0 || pending === '>') fail('ends with a combinator or a comma');
  list.push(complex);
  return list;
}

function parseCompound(text: string, fail: (why: string) => never): [Compound, string] {
  const compound: Compound = { tag: null, ids: [], classes: [], attributes: [] };
  let rest = text;
  const tag = rest[0] === '*' ? '*' : IDENT.exec(rest)?.[0];
  if (tag) {
    compound.tag = tag === '*' ? null : tag.toLowerCase();
    rest = rest.slice(tag.length);
  }
  for (;;) {
    const c = rest[0];
    if (c === '#' || c === '.') {
      const name = IDENT.exec(rest.slice(1))?.[0];
      if (!name) fail(`has "${c}" without a name`);
      (c === '#' ? compound.ids : compound.classes).push(name as string);
      rest = rest.slice(1 + (name as string).length);
    } else if (c === '[') {
      const match = /^\[\s*([\w:-]+)\s*(?:([~|^$*]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))\s*)?\]/.exec(rest);
      if (!match) fail('has an attribute test that is not [name], [name=value] or [name^=value]…');
      const m = match as RegExpExecArray;
      compound.attributes.push({
        name: m[1].toLowerCase(),
        operator: (m[2] ?? '') as AttributeTest['operator'],
        value: m[3] ?? m[4] ?? m[5] ?? '',
      });
      rest = rest.slice(m[0].length);
    } else if (c === ':') {
      fail('uses a pseudo-class, which is not supported');
    } else {
      break;
    }
  }
  if (rest.length === text.length) fail(`cannot be read at "${text.slice(0, 20)}"`);
  return [compound, rest];
}

function matchesAttribute(element: SelectableElement, test: AttributeTest): boolean {
  const actual = element.getAttribute(test.name);
  if (actual === null) return false;
  const v = test.value;
  switch (test.operator) {
    case '':
      return true;
    case '=':
      return actual === v;
    case '~=':
      return actual.split(/\s+/).includes(v);
    case '|=':
      return actual === v || actual.startsWith(`${v}-`);
    case '^=':
      return v !== '' && actual.startsWith(v);
    case '$=':
      return v !== '' && actual.endsWith(v);
    case '*=':
      return v !== '' && actual.includes(v);
  }
}

function matchesCompound(element: SelectableElement, compound: Compound): boolean {
  if (compound.tag && element.tagName.toLowerCase() !== compound.tag) return false;
  if (compound.ids.some((id) => element.getAttribute('id') !== id)) return false;
  if (compound.classes.length > 0) {
    const classes = (element.getAttribute('class') ?? '').split(/\s+/);
    if (compound.classes.some((c) => !classes.includes(c))) return false;
  }
  return compound.attributes.every((a) => matchesAttribute(element, a));
}

/** Whether the element matches parts[0..index] (right to left), its ancestors staying inside `scope`. */
function matchesFrom(element: SelectableElement, complex: Complex, index: number, scope: SelectableElement | null): boolean {
  if (!matchesCompound(element, complex.parts[index])) return false;
  if (index === 0) return true;
  const combinator = complex.combinators[index - 1];
  let ancestor = element.parentElement;
  while (ancestor && ancestor !== scope) {
    if (matchesFrom(ancestor, complex, index - 1, scope)) return true;
    if (combinator === '>') return false;
    ancestor = ancestor.parentElement;
  }
  return false;
}

export function matches(element: SelectableElement, selector: CompiledSelector, scope: SelectableElement | null = null): boolean {
  return selector.some((complex) => matchesFrom(element, complex, complex.parts.length - 1, scope));
}

/**
 * The descendants of `root` matching the selector, in document order. The selector is relative
 * to `root`: its ancestors above `root` are not considered ("a" inside an item finds the item's links).
 */
export function selectAll(root: SelectableElement, selector: CompiledSelector): SelectableElement[] {
  const found: SelectableElement[] = [];
  const walk = (element: SelectableElement): void => {
    const children = Array.from(element.children);
    for (const child of children) {
      if (matches(child, selector, root)) found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

export function selectOne(root: SelectableElement, selector: CompiledSelector): SelectableElement | undefined {
  return selectAll(root, selector)[0];
}
