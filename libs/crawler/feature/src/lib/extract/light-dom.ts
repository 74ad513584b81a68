/**
 * A minimal HTML tree builder for the extractor. The scorer and writer only walk children and
 * siblings and read a few attributes, so a full DOM (linkedom: event targets, class lists,
 * attribute nodes, a linked list walked for every firstChild/nextSibling) costs most of the
 * extraction time for nothing. htmlparser2's tokenizer reads the markup the pre-pass left (tags,
 * attributes, all HTML5 character references); this builder turns its events into plain objects
 * with the tree rules of the common forgiving HTML parsers: void elements, an opening tag that
 * closes the open <p>/<li>/<td>… it implies, an end tag that closes up to its open element and is
 * ignored without one.
 *
 * htmlparser2's Parser applies the same rules, but it finds an end tag's element by scanning its
 * whole stack and opens each element with an unshift, so a page of 100 000 unclosed <div>s takes
 * seconds and a hostile 8 MB one hours. Here an end tag searches the open elements only when one
 * of its name is open (and then pops what it passes), so the work stays linear in the input.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { ELEMENT_NODE, TEXT_NODE, type DomElement, type DomText } from './content-scorer';

export class LightText implements DomText {
  readonly nodeType = TEXT_NODE;
  readonly firstChild = null;
  nextSibling: LightNode | null = null;
  parentNode: LightElement | null = null;
  constructor(readonly data: string) {}
}

export class LightElement implements DomElement {
  readonly nodeType = ELEMENT_NODE;
  firstChild: LightNode | null = null;
  lastChild: LightNode | null = null;
  nextSibling: LightNode | null = null;
  parentNode: LightElement | null = null;

  constructor(
    readonly localName: string,
    /** Lower-cased names to decoded values; null when the tag has none (most tags). */
    private readonly attributes: ReadonlyMap<string, string> | null = null,
  ) {}

  getAttribute(name: string): string | null {
    return this.attributes?.get(name) ?? null;
  }

  append(node: LightNode): void {
    node.parentNode = this;
    if (this.lastChild) this.lastChild.nextSibling = node;
    else this.firstChild = node;
    this.lastChild = node;
  }
}

export type LightNode = LightElement | LightText;

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  // <image> is read as <img> by browsers.
  'image',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

const CLOSES_P = new Set(['p']);
const CLOSES_FORM_CONTROL = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const CLOSES_RUBY = new Set(['rt', 'rp']);
const CLOSES_TABLE_SECTION = new Set(['thead', 'tbody']);
/** Open elements (at the top of the stack) that an opening tag closes. */
const OPENING_CLOSES: ReadonlyMap<string, ReadonlySet<string>> = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dt', 'dd'])],
  ['dt', new Set(['dt', 'dd'])],
  ['select', CLOSES_FORM_CONTROL],
  ['input', CLOSES_FORM_CONTROL],
  ['output', CLOSES_FORM_CONTROL],
  ['button', CLOSES_FORM_CONTROL],
  ['datalist', CLOSES_FORM_CONTROL],
  ['textarea', CLOSES_FORM_CONTROL],
  ['rt', CLOSES_RUBY],
  ['rp', CLOSES_RUBY],
  ['tbody', CLOSES_TABLE_SECTION],
  ['tfoot', CLOSES_TABLE_SECTION],
  ...[
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'address',
    'article',
    'aside',
    'blockquote',
    'details',
    'div',
    'dl',
    'fieldset',
    'figcaption',
    'figure',
    'footer',
    'form',
    'header',
    'hr',
    'main',
    'nav',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((tag): [string, ReadonlySet<string>] => [tag, CLOSES_P]),
]);

const ignoreEvent = (): void => undefined;

/**
 * Turns tokenizer events into the tree. Positions index `markup`, which the tokenizer reads in one
 * piece; text and character references arrive in pieces and are joined before they are appended.
 */
class LightTreeBuilder implements TokenizerCallbacks {
  readonly root: LightElement;
  /** Open elements, innermost last; the root is never popped. */
  private readonly stack: LightElement[];
  /** How many elements of each name are open, so an end tag without one costs nothing. */
  private readonly openCount = new Map<string, number>();
  private top: LightElement;
  private pendingText = '';
  /** The opening tag being read: it becomes an element only at its '>' (an unterminated tag is dropped, as in a browser). */
  private tagName = '';
  private tagAttributes: Map<string, string> | null = null;
  private attributeName = '';
  private attributeValue = '';

  constructor(
    private readonly markup: string,
    rootName: string,
  ) {
    this.root = new LightElement(rootName);
    this.stack = [this.root];
    this.top = this.root;
  }

  ontext(start: number, endIndex: number): void {
    this.pendingText += this.markup.slice(start, endIndex);
  }

  ontextentity(codePoint: number): void {
    this.pendingText += String.fromCodePoint(codePoint);
  }

  onopentagname(start: number, endIndex: number): void {
    this.tagName = this.markup.slice(start, endIndex).toLowerCase();
    this.tagAttributes = null;
  }

  onattribname(start: number, endIndex: number): void {
    this.attributeName = this.markup.slice(start, endIndex).toLowerCase();
    this.attributeValue = '';
  }

  onattribdata(start: number, endIndex: number): void {
    this.attributeValue += this.markup.slice(start, endIndex);
  }

  onattribentity(codePoint: number): void {
    this.attributeValue += String.fromCodePoint(codePoint);
  }

  onattribend(): void {
    // The first of a repeated name wins, as in a browser.
    this.tagAttributes ??= new Map();
    if (!this.tagAttributes.has(this.attributeName)) this.tagAttributes.set(this.attributeName, this.attributeValue);
  }

  onopentagend(): void {
    this.flushText();
    const name = this.tagName;
    const implied = OPENING_CLOSES.get(name);
    if (implied) while (this.stack.length > 1 && implied.has(this.top.localName)) this.pop();
    const el = new LightElement(name, this.tagAttributes);
    this.top.append(el);
    if (!VOID_ELEMENTS.has(name)) {
      this.stack.push(el);
      this.openCount.set(name, (this.openCount.get(name) ?? 0) + 1);
      this.top = el;
    }
    this.tagAttributes = null;
  }

  onselfclosingtag(): void {
    // HTML ignores the '/' of <div/>: the element stays open unless it is void.
    this.onopentagend();
  }

  onclosetag(start: number, endIndex: number): void {
    this.flushText();
    const name = this.markup.slice(start, endIndex).toLowerCase();
    if ((this.openCount.get(name) ?? 0) > 0) {
      while (this.stack.length > 1 && this.top.localName !== name) this.pop();
      if (this.stack.length > 1) this.pop();
    } else if (name === 'br') {
      this.top.append(new LightElement('br')); // </br> is read as <br>
    }
  }

  // Comments, doctypes, CDATA and processing instructions hold no article text (the pre-pass removed most of them).
  readonly oncomment = ignoreEvent;
  readonly oncdata = ignoreEvent;
  readonly ondeclaration = ignoreEvent;
  readonly onprocessinginstruction = ignoreEvent;

  onend(): void {
    this.flushText();
  }

  private flushText(): void {
    if (this.pendingText === '') return;
    this.top.append(new LightText(this.pendingText));
    this.pendingText = '';
  }

  private pop(): void {
    const el = this.stack.pop() as LightElement;
    this.openCount.set(el.localName, (this.openCount.get(el.localName) ?? 1) - 1);
    this.top = this.stack[this.stack.length - 1];
  }
}

/**
 * Builds the tree of `markup` under a root element named `rootName`. Comments, doctypes and
 * processing instructions are skipped; names are lower-cased; text and attribute values are
 * entity-decoded (every HTML5 named reference, with the legacy forms without ';').
 */
export function parseLightDom(markup: string, rootName = 'html'): LightElement {
  const builder = new LightTreeBuilder(markup, rootName);
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, builder);
  tokenizer.write(markup);
  tokenizer.end();
  return builder.root;
}
