import { api, ApiError, recordEvent, setMarks, type Article, type ArticleSummary, type ListItem, type SearchResult, type Story, type StoryPage } from './api.js';
import { articleContent, h, highlighted, replaceChildren } from './dom.js';
import { formatDate, t, type MessageKey } from './i18n.js';

/** What every view can reach: the page's status line, the sources by id, and the list being read. */
export interface ViewContext {
  main: HTMLElement;
  notify(message: string, isError?: boolean): void;
  sourceTitle(id: string): string;
  /** The list the keyboard moves through (and the article view steps through). */
  setList(items: ListItem[], route: string): void;
  listItems(): ListItem[];
  listRoute(): string;
  /** Moves the selection to an index of the list and shows it. */
  select(index: number): void;
  isAdmin: boolean;
}

export type ListKind = 'foryou' | 'latest' | 'unread' | 'starred';

const LIST_TITLES: Record<ListKind, MessageKey> = { foryou: 'forYou', latest: 'latest', unread: 'unread', starred: 'starred' };

export function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : t('errorGeneric');
}

export function heading(key: MessageKey, ...extra: Array<Node | string>): HTMLElement {
  return h('div', { class: 'view-head' }, h('h1', { id: 'view-title', tabindex: '-1' }, t(key)), ...extra);
}

function metaLine(ctx: ViewContext, article: ArticleSummary): HTMLElement {
  const parts = [ctx.sourceTitle(article.sourceId), formatDate(article.publishedAt), article.topic ?? '', article.language ?? ''].filter(Boolean);
  return h('p', { class: 'meta' }, parts.join(' · '));
}

/** The star and read buttons of an item; they change its marks and redraw themselves. */
export function markButtons(item: ListItem, onChange?: () => void): HTMLElement {
  const marks = (item.marks ??= { read: false, starred: false });
  const star = h('button', { type: 'button', class: 'mark star', 'data-action': 'star' });
  const read = h('button', { type: 'button', class: 'mark read', 'data-action': 'read' });
  const draw = () => {
    star.textContent = marks.starred ? `★ ${t('unstar')}` : `☆ ${t('star')}`;
    star.setAttribute('aria-pressed', String(marks.starred));
    read.textContent = marks.read ? t('markUnread') : t('markRead');
    read.setAttribute('aria-pressed', String(marks.read));
  };
  star.addEventListener('click', () => void toggle(item, 'starred').then(draw).then(onChange));
  read.addEventListener('click', () => void toggle(item, 'read').then(draw).then(onChange));
  draw();
  return h('div', { class: 'actions' }, star, read);
}

export async function toggle(item: ListItem, mark: 'starred' | 'read'): Promise<void> {
  const marks = (item.marks ??= { read: false, starred: false });
  const next = !marks[mark];
  const saved = await setMarks(item.article.id, mark === 'starred' ? { starred: next } : { read: next });
  marks.read = saved.read;
  marks.starred = saved.starred;
  if (mark === 'starred' && next) recordEvent(item.article.id, 'like');
}

function itemElement(ctx: ViewContext, item: ListItem, index: number): HTMLElement {
  const { article } = item;
  const li = h(
    'li',
    { class: `item${item.marks?.read ? ' is-read' : ''}`, 'data-index': String(index), 'data-id': article.id },
    h('h2', { class: 'item-title' }, h('a', { href: `#/article/${encodeURIComponent(article.id)}` }, article.title || article.url)),
    metaLine(ctx, article),
  );
  if (item.highlight) li.appendChild(h('p', { class: 'excerpt' }, highlighted(item.highlight)));
  else if (article.summary) li.appendChild(h('p', { class: 'summary' }, article.summary));
  if (item.reason) li.appendChild(h('p', { class: 'reason' }, h('span', { class: 'reason-label' }, `${t('because')}: `), item.reason));
  li.appendChild(markButtons(item, () => li.classList.toggle('is-read', item.marks?.read === true)));
  li.addEventListener('click', (event) => {
    if ((event.target as Element).closest('button, a')) return;
    ctx.select(index);
  });
  return li;
}

export function renderItems(ctx: ViewContext, items: ListItem[], emptyKey: MessageKey = 'empty'): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, t(emptyKey));
  return h('ol', { class: 'items', 'aria-labelledby': 'view-title' }, ...items.map((item, index) => itemElement(ctx, item, index)));
}

interface ReadingList {
  items: Array<ArticleSummary & { marks: { read: boolean; starred: boolean } }>;
}

async function loadList(kind: ListKind): Promise<ListItem[]> {
  if (kind === 'foryou') {
    const answer = await api<{ items: Array<{ article: ArticleSummary; reason: string }> }>('GET', '/api/v1/me/recommendations?limit=30');
    return answer.items.map((item) => ({ article: item.article, reason: item.reason }));
  }
  const filter = kind === 'latest' ? 'all' : kind;
  const answer = await api<ReadingList>('GET', `/api/v1/me/articles?filter=${filter}&limit=50`);
  return answer.items.map(({ marks, ...article }) => ({ article, marks }));
}

export async function listView(ctx: ViewContext, kind: ListKind): Promise<void> {
  replaceChildren(ctx.main, heading(LIST_TITLES[kind]), h('p', { class: 'loading' }, t('loading')));
  const items = await loadList(kind);
  ctx.setList(items, `#/${kind}`);
  replaceChildren(ctx.main, heading(LIST_TITLES[kind]), renderItems(ctx, items, kind === 'unread' ? 'emptyUnread' : 'empty'));
}

export async function searchView(ctx: ViewContext, query: string, mode: string): Promise<void> {
  const input = h('input', { type: 'search', name: 'q', id: 'search-q', value: query, placeholder: t('searchPlaceholder'), 'aria-label': t('search'), required: true, maxlength: '512' });
  const select = h(
    'select',
    { name: 'mode', id: 'search-mode', 'aria-label': t('mode') },
    ...(['hybrid', 'text', 'semantic'] as const).map((value) =>
      h('option', { value, selected: value === mode }, t(value === 'text' ? 'modeText' : value === 'semantic' ? 'modeSemantic' : 'modeHybrid')),
    ),
  );
  const form = h('form', { class: 'search-form', role: 'search' }, input, select, h('button', { type: 'submit' }, t('search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}&mode=${encodeURIComponent(select.value)}`;
  });
  const results = h('div', { class: 'results' });
  replaceChildren(ctx.main, heading('search'), form, results);
  if (!query) {
    input.focus();
    ctx.setList([], '#/search');
    return;
  }
  replaceChildren(results, h('p', { class: 'loading' }, t('loading')));
  const answer = await api<SearchResult>('GET', `/api/v1/search?q=${encodeURIComponent(query)}&mode=${encodeURIComponent(mode)}&limit=30`);
  const items: ListItem[] = answer.items.map((hit) => ({ article: hit.article, highlight: hit.highlight }));
  ctx.setList(items, `#/search?q=${encodeURIComponent(query)}&mode=${encodeURIComponent(mode)}`);
  replaceChildren(
    results,
    h('p', { class: 'meta' }, `${items.length} ${t('results')}`),
    answer.notice ? h('p', { class: 'notice' }, answer.notice) : null,
    renderItems(ctx, items),
  );
}

function storyTimeline(story: Story, currentId?: string): HTMLElement {
  return h(
    'ol',
    { class: 'timeline' },
    ...story.timeline.map((entry) =>
      h(
        'li',
        { class: entry.article.id === currentId ? 'current' : undefined },
        h('time', { datetime: entry.article.publishedAt ?? '' }, formatDate(entry.article.publishedAt)),
        ' ',
        entry.article.id === currentId ? h('span', {}, entry.article.title) : h('a', { href: `#/article/${encodeURIComponent(entry.article.id)}` }, entry.article.title),
      ),
    ),
  );
}

export async function storiesView(ctx: ViewContext, cursor = ''): Promise<void> {
  replaceChildren(ctx.main, heading('stories'), h('p', { class: 'loading' }, t('loading')));
  ctx.setList([], '#/stories');
  const page = await api<StoryPage>('GET', `/api/v1/stories?limit=20&articles=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  if (page.items.length === 0) {
    replaceChildren(ctx.main, heading('stories'), h('p', { class: 'empty' }, t('noStories')));
    return;
  }
  const older = page.nextCursor ? h('a', { class: 'button', href: `#/stories?cursor=${encodeURIComponent(page.nextCursor)}`, 'data-action': 'older' }, `${t('olderStories')} →`) : null;
  replaceChildren(
    ctx.main,
    heading('stories'),
    h(
      'ul',
      { class: 'stories' },
      ...page.items.map((story) =>
        h(
          'li',
          { class: 'story' },
          h('h2', {}, story.title),
          h('p', { class: 'meta' }, `${story.size} ${t('articles')} · ${t('storyUpdated')} ${formatDate(story.updatedAt)}`),
          storyTimeline(story),
          story.size > story.timeline.length ? h('p', { class: 'meta' }, `+ ${story.size - story.timeline.length} ${t('earlierArticles')}`) : null,
        ),
      ),
    ),
    older,
  );
}

export async function articleView(ctx: ViewContext, id: string): Promise<ListItem> {
  replaceChildren(ctx.main, h('p', { class: 'loading' }, t('loading')));
  const article = await api<Article>('GET', `/api/v1/articles/${encodeURIComponent(id)}`);
  const fromList = ctx.listItems().find((item) => item.article.id === id);
  const item: ListItem = fromList ?? { article, marks: { read: false, starred: false } };
  if (!item.marks?.read) {
    void setMarks(id, { read: true })
      .then((marks) => {
        item.marks = marks;
        actions.replaceWith((actions = markButtons(item)));
      })
      .catch(() => undefined);
  }
  recordEvent(id, 'open');
  const body = article.contentHtml ? articleContent(article.contentHtml) : h('div', {}, ...article.text.split(/\n{2,}/).map((paragraph) => h('p', {}, paragraph)));
  let actions = markButtons(item);
  const back = ctx.listRoute();
  const story = h('section', { class: 'story-box', 'aria-label': t('story') });
  replaceChildren(
    ctx.main,
    h(
      'article',
      { class: 'article' },
      h('p', { class: 'back' }, h('a', { href: back }, `← ${t('back')}`)),
      h('h1', { id: 'view-title', tabindex: '-1' }, article.title || article.url),
      h('p', { class: 'meta' }, [article.sourceTitle, article.author ?? '', formatDate(article.publishedAt), article.topic ?? '', article.language ?? ''].filter(Boolean).join(' · ')),
      h(
        'div',
        { class: 'article-actions' },
        actions,
        h('a', { class: 'button', href: article.url, target: '_blank', rel: 'noopener noreferrer', 'data-action': 'original' }, `${t('openOriginal')} ↗`),
      ),
      article.summary ? h('section', { class: 'summary-box', 'aria-label': t('summary') }, h('h2', {}, t('summary')), h('p', {}, article.summary)) : null,
      article.keywords.length ? h('p', { class: 'keywords' }, `${t('keywords')}: `, ...article.keywords.slice(0, 8).map((word) => h('span', { class: 'tag' }, word))) : null,
      h('div', { class: 'content' }, body),
      story,
      article.similar.length
        ? h(
            'section',
            { class: 'similar', 'aria-label': t('similar') },
            h('h2', {}, t('similar')),
            h('ul', {}, ...article.similar.map((similar) => h('li', {}, h('a', { href: `#/article/${encodeURIComponent(similar.id)}` }, similar.title)))),
          )
        : null,
    ),
  );
  if (article.storyId) {
    api<Story>('GET', `/api/v1/stories/${encodeURIComponent(article.storyId)}`)
      .then((found) => {
        if (found.size > 1) replaceChildren(story, h('h2', {}, `${t('story')}: ${found.title}`), storyTimeline(found, article.id));
      })
      .catch(() => undefined);
  }
  return item;
}
