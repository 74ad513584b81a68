import { XPATH_SELECTOR_PREFIX } from '@autoglm/shared-config';
import { compileSelector, selectAll, selectOne, type SelectableElement } from './css-selector';
import { SourceKindError } from './source-kind-error';

/**
 * One selector of a web-page source, as written in its options: a CSS selector, or an XPath 1.0
 * expression when it starts with "xpath:". XPath runs on the same linkedom document as CSS
 * (the `xpath` package walks any W3C-DOM-like tree), in HTML mode: element names match
 * case-insensitively and need no namespace prefix.
 */
export interface ListSelector {
  /** The selector as written (with its prefix), for messages. */
  readonly written: string;
  /** The elements it matches within `context` (the context itself excluded for CSS), in document order. */
  elements(context: SelectableElement): SelectableElement[];
  /**
   * Its first match within `context`: an element, or text (an XPath selecting an attribute or a
   * text node, or computing a string such as normalize-space(h2)); undefined when nothing matches.
   */
  first(context: SelectableElement): SelectableElement | string | undefined;
}

/** What the `xpath` package's compiled expression offers (its typings pull in the DOM lib, which this code does not use). */
interface CompiledXPath {
  evaluate(options: { node: unknown; isHtml: boolean }): XPathValue;
}

/** A node set (toArray) or a string, number or boolean. */
interface XPathValue {
  toArray?: () => XPathNode[];
  stringValue(): string;
}

/** A node as XPath returns it: an element, attribute or text node (nodeType 1, 2, 3/4). */
interface XPathNode {
  nodeType: number;
  nodeValue?: string | null;
  textContent?: string | null;
  /** An attribute's value. */
  value?: string;
  ownerElement?: XPathNode | null;
  parentNode?: XPathNode | null;
  childNodes?: ArrayLike<XPathNode>;
}

const ELEMENT_NODE = 1;
const ATTRIBUTE_NODE = 2;

let xpathModule: { parse(expression: string): CompiledXPath } | null = null;

function parseXPath(expression: string): CompiledXPath {
  xpathModule ??= require('xpath') as { parse(expression: string): CompiledXPath };
  return xpathModule.parse(expression);
}

/** Compiles a selector; an unusable one is a SourceKindError naming the option and the selector. */
export function compileListSelector(written: string, option: string): ListSelector {
  if (!written.startsWith(XPATH_SELECTOR_PREFIX)) {
    const css = compileSelector(written);
    return {
      written,
      elements: (context) => selectAll(context, css),
      first: (context) => selectOne(context, css),
    };
  }
  const expression = written.slice(XPATH_SELECTOR_PREFIX.length).trim();
  if (!expression) throw new SourceKindError(`the ${option} "${written}" has no XPath after "${XPATH_SELECTOR_PREFIX}"`);
  let compiled: CompiledXPath;
  try {
    compiled = parseXPath(expression);
  } catch (error) {
    throw new SourceKindError(`the ${option} XPath "${expression}" is not a valid XPath 1.0 expression (${(error as Error).message})`);
  }
  const evaluate = (context: SelectableElement): XPathValue => {
    try {
      return compiled.evaluate({ node: context, isHtml: true });
    } catch (error) {
      // Unknown functions, undeclared variables and namespace prefixes are only found when evaluated.
      throw new SourceKindError(`the ${option} XPath "${expression}" cannot be evaluated: ${(error as Error).message}`);
    }
  };
  return {
    written,
    elements: (context) => {
      const value = evaluate(context);
      if (!value.toArray) throw new SourceKindError(`the ${option} XPath "${expression}" must select elements, but it computes a value`);
      const nodes = inDocumentOrder(value.toArray());
      if (nodes.some((node) => node.nodeType !== ELEMENT_NODE)) {
        throw new SourceKindError(`the ${option} XPath "${expression}" must select elements, but it selects attributes or text`);
      }
      return nodes as unknown as SelectableElement[];
    },
    first: (context) => {
      const value = evaluate(context);
      if (!value.toArray) return value.stringValue() || undefined;
      const node = inDocumentOrder(value.toArray())[0];
      if (!node) return undefined;
      if (node.nodeType === ELEMENT_NODE) return node as unknown as SelectableElement;
      return (node.nodeType === ATTRIBUTE_NODE ? (node.value ?? node.nodeValue) : node.textContent) ?? undefined;
    },
  };
}

/**
 * XPath node sets in document order, as XPath defines them. The `xpath` package orders them with
 * compareDocumentPosition, which linkedom does not implement correctly (unions came out
 * reversed), so the order is taken from one pre-order walk of the tree instead.
 */
function inDocumentOrder(nodes: XPathNode[]): XPathNode[] {
  if (nodes.length < 2) return nodes;
  const top = (node: XPathNode): XPathNode => {
    let current = node.ownerElement ?? node;
    while (current.parentNode) current = current.parentNode;
    return current;
  };
  const position = new Map<XPathNode, number>();
  const walk = (node: XPathNode): void => {
    position.set(node, position.size);
    const children = node.childNodes ?? [];
    for (let i = 0; i < children.length; i++) walk(children[i]);
  };
  walk(top(nodes[0]));
  // An attribute comes right after its element, before the element's children.
  const rank = (node: XPathNode): number => (node.ownerElement ? (position.get(node.ownerElement) ?? 0) + 0.5 : (position.get(node) ?? 0));
  return nodes.map((node) => ({ node, rank: rank(node) })).sort((a, b) => a.rank - b.rank).map((entry) => entry.node);
}
