import { api, type ItemPreview, type Source } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatDate, t, type MessageKey } from './i18n.js';
import { errorText, heading, type ViewContext } from './views.js';

/** How a source is read; the API's names. */
type Kind = 'feed' | 'jsonApi' | 'webPage';

const JSON_FIELDS = ['title', 'url', 'id', 'published', 'content', 'author'] as const;
const FIELD_LABELS: Record<(typeof JSON_FIELDS)[number], MessageKey> = {
  title: 'fieldTitle',
  url: 'fieldUrl',
  id: 'fieldId',
  published: 'fieldPublished',
  content: 'fieldContent',
  author: 'fieldAuthor',
};
const KIND_LABELS: Record<string, MessageKey> = { feed: 'kindFeed', json_api: 'kindJsonApi', web_page: 'kindWebPage' };

function input(id: string, attributes: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { type: 'text', id, name: id, maxlength: '300', autocomplete: 'off', spellcheck: 'false', ...attributes });
}

function labelled(id: string, key: MessageKey, control: HTMLElement, hint?: MessageKey): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, t(key)), control, hint ? h('small', { class: 'meta' }, t(hint)) : null);
}

/** One request header of a JSON API source: its name, and a literal value or the name of a configured secret. */
function headerRow(index: number, remove: (row: HTMLElement) => void): { row: HTMLElement; read: () => [string, unknown] | undefined } {
  const name = input(`header-name-${index}`, { maxlength: '100', placeholder: 'Authorization' });
  const kind = h(
    'select',
    { id: `header-kind-${index}`, name: `header-kind-${index}` },
    h('option', { value: 'secret' }, t('headerSecret')),
    h('option', { value: 'value' }, t('headerValue')),
  );
  const value = input(`header-value-${index}`, { maxlength: '1000', placeholder: 'API_TOKEN' });
  kind.addEventListener('change', () => (value.placeholder = kind.value === 'secret' ? 'API_TOKEN' : 'application/json'));
  const drop = h('button', { type: 'button', class: 'small', 'aria-label': `${t('removeHeader')} ${index + 1}` }, '×');
  const row = h(
    'div',
    { class: 'header-row' },
    labelled(`header-name-${index}`, 'headerName', name),
    labelled(`header-kind-${index}`, 'headerKind', kind),
    labelled(`header-value-${index}`, 'headerValueOrSecret', value),
    drop,
  );
  drop.addEventListener('click', () => remove(row));
  return {
    row,
    read: () => {
      if (!name.value.trim()) return undefined;
      return [name.value.trim(), kind.value === 'secret' ? { secretRef: value.value.trim() } : value.value];
    },
  };
}

/** The form that defines a source of any kind, previews it and adds it. */
function addSourceForm(ctx: ViewContext, added: () => Promise<void>): HTMLElement {
  const kind = h(
    'select',
    { id: 'source-kind', name: 'kind' },
    h('option', { value: 'feed' }, t('kindFeed')),
    h('option', { value: 'jsonApi' }, t('kindJsonApi')),
    h('option', { value: 'webPage' }, t('kindWebPage')),
  );
  const url = input('feed-url', { type: 'url', required: true, maxlength: '2048', placeholder: 'https://example.org/feed.xml' });
  const title = input('feed-title');
  const category = input('feed-category', { maxlength: '200' });
  const fullText = h('input', { type: 'checkbox', name: 'fullText', id: 'feed-fulltext' });

  const itemsPath = input('api-items-path', { placeholder: 'data.items' });
  const fields = Object.fromEntries(JSON_FIELDS.map((field) => [field, input(`api-field-${field}`, { placeholder: field === 'published' ? 'date' : field })])) as Record<
    (typeof JSON_FIELDS)[number],
    HTMLInputElement
  >;
  const headers: Array<ReturnType<typeof headerRow>> = [];
  const headerList = h('div', { class: 'headers' });
  let headerCount = 0;
  const addHeader = () => {
    const header = headerRow(headerCount++, (row) => {
      headers.splice(headers.findIndex((entry) => entry.row === row), 1);
      row.remove();
    });
    headers.push(header);
    headerList.appendChild(header.row);
  };
  const addHeaderButton = h('button', { type: 'button', class: 'small', 'data-action': 'add-header' }, `+ ${t('addHeader')}`);
  addHeaderButton.addEventListener('click', addHeader);
  const jsonApi = h(
    'fieldset',
    { class: 'kind-options', 'data-kind': 'jsonApi', hidden: true },
    h('legend', {}, t('jsonApiOptions')),
    labelled('api-items-path', 'itemsPath', itemsPath, 'itemsPathHint'),
    h('div', { class: 'field-grid' }, ...JSON_FIELDS.map((field) => labelled(`api-field-${field}`, FIELD_LABELS[field], fields[field]))),
    h('p', { class: 'meta' }, t('fieldsHint')),
    h('h3', {}, t('headers')),
    h('p', { class: 'meta' }, t('headersHint')),
    headerList,
    addHeaderButton,
  );

  const itemSelector = input('page-item-selector', { placeholder: 'article' });
  const linkSelector = input('page-link-selector', { placeholder: 'a' });
  const titleSelector = input('page-title-selector', { placeholder: 'h2' });
  const webPage = h(
    'fieldset',
    { class: 'kind-options', 'data-kind': 'webPage', hidden: true },
    h('legend', {}, t('webPageOptions')),
    labelled('page-item-selector', 'itemSelector', itemSelector, 'selectorHint'),
    labelled('page-link-selector', 'linkSelector', linkSelector),
    labelled('page-title-selector', 'titleSelector', titleSelector),
  );

  const urlLabel = h('label', { for: 'feed-url' }, t('feedUrl'));
  const showKind = () => {
    jsonApi.hidden = kind.value !== 'jsonApi';
    webPage.hidden = kind.value !== 'webPage';
    urlLabel.textContent = t(kind.value === 'feed' ? 'feedUrl' : kind.value === 'jsonApi' ? 'apiUrl' : 'pageUrl');
    url.placeholder = kind.value === 'feed' ? 'https://example.org/feed.xml' : kind.value === 'jsonApi' ? 'https://api.example.org/posts' : 'https://example.org/news';
  };
  kind.addEventListener('change', showKind);

  const definition = (): { url: string; kind: Kind; options?: Record<string, unknown> } => {
    const chosen = kind.value as Kind;
    const base = { url: url.value.trim(), kind: chosen };
    if (chosen === 'jsonApi') {
      const mapped = Object.fromEntries(JSON_FIELDS.flatMap((field) => (fields[field].value.trim() ? [[field, fields[field].value.trim()]] : [])));
      const named = headers.map((header) => header.read()).filter((entry): entry is [string, unknown] => entry !== undefined);
      return {
        ...base,
        options: {
          ...(itemsPath.value.trim() ? { itemsPath: itemsPath.value.trim() } : {}),
          fields: mapped,
          ...(named.length ? { headers: Object.fromEntries(named) } : {}),
        },
      };
    }
    if (chosen === 'webPage') {
      const selectors: Array<[string, HTMLInputElement]> = [
        ['itemSelector', itemSelector],
        ['linkSelector', linkSelector],
        ['titleSelector', titleSelector],
      ];
      return { ...base, options: Object.fromEntries(selectors.flatMap(([name, field]) => (field.value.trim() ? [[name, field.value.trim()]] : []))) };
    }
    return base;
  };

  const preview = h('section', { class: 'preview', 'aria-live': 'polite', 'aria-label': t('preview') });
  const previewButton = h('button', { type: 'button', 'data-action': 'preview' }, t('preview'));
  previewButton.addEventListener('click', () => {
    if (!url.reportValidity()) return;
    replaceChildren(preview, h('p', { class: 'loading' }, t('loading')));
    api<{ items: ItemPreview[] }>('POST', '/api/v1/sources/preview', { body: definition() })
      .then(({ items }) => replaceChildren(preview, ...previewItems(items)))
      .catch((error: unknown) => replaceChildren(preview, h('p', { class: 'error-text', role: 'alert' }, errorText(error))));
  });

  const form = h(
    'form',
    { class: 'add-feed', 'aria-labelledby': 'add-feed-title' },
    h('h2', { id: 'add-feed-title' }, t('addSource')),
    labelled('source-kind', 'sourceKind', kind),
    h('div', { class: 'field' }, urlLabel, url),
    labelled('feed-title', 'title', title),
    labelled('feed-category', 'category', category),
    h('div', { class: 'check' }, fullText, h('label', { for: 'feed-fulltext' }, t('fullText'))),
    jsonApi,
    webPage,
    h('div', { class: 'actions' }, previewButton, h('button', { type: 'submit', class: 'primary' }, t('add'))),
    preview,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const source = await api<Source>('POST', '/api/v1/sources', {
          body: { ...definition(), ...(title.value.trim() ? { title: title.value.trim() } : {}), fullText: fullText.checked },
        });
        await api('PUT', `/api/v1/me/subscriptions/${encodeURIComponent(source.id)}`, { body: { category: category.value.trim() } });
        // The view is drawn again first: the notice means the list (and a fresh form) are there.
        await added();
        ctx.notify(t('feedAdded'));
      } catch (error) {
        ctx.notify(errorText(error), true);
      }
    })();
  });
  return form;
}

function previewItems(items: ItemPreview[]): Array<HTMLElement> {
  const head = h('h3', {}, `${t('preview')}: ${items.length} ${t('items')}`);
  if (items.length === 0) return [head, h('p', { class: 'empty' }, t('previewEmpty'))];
  return [
    head,
    h(
      'ol',
      { class: 'preview-items' },
      ...items.map((item) =>
        h(
          'li',
          {},
          h('strong', {}, item.title || item.url),
          h('p', { class: 'meta source-url' }, [item.url, item.author, formatDate(item.publishedAt)].filter(Boolean).join(' · ')),
          item.text ? h('p', { class: 'summary' }, item.text.length > 200 ? `${item.text.slice(0, 200)}…` : item.text) : null,
        ),
      ),
    ),
  ];
}

function sourceStatus(source: Source): { key: MessageKey; className: string } {
  if (source.status === 'paused') return { key: 'statusPaused', className: 'paused' };
  if (source.consecutiveFailures > 0 || source.lastError) return { key: 'statusError', className: 'failing' };
  return { key: 'statusActive', className: 'active' };
}

function minutes(seconds: number): string {
  return seconds >= 3600 ? `${Math.round(seconds / 360) / 10} h` : `${Math.max(1, Math.round(seconds / 60))} min`;
}

/** What a source's health is: its state, when it was and will be checked, and what is pending or failing. */
function health(source: Source): HTMLElement {
  const facts: Array<[MessageKey, string]> = [
    ['kind', t(KIND_LABELS[source.kind] ?? 'kindFeed')],
    ['articlesLabel', String(source.articleCount)],
    ['lastFetched', formatDate(source.lastFetchedAt) || t('never')],
    ['nextCheck', source.status === 'paused' ? '—' : formatDate(source.nextCheckAt) || '—'],
    ['checkEvery', minutes(source.effectiveIntervalSeconds || source.intervalSeconds)],
  ];
  if (source.fullText) facts.push(['fullTextPending', String(source.fullTextPending)]);
  if (source.pausedAt) facts.push(['pausedSince', formatDate(source.pausedAt)]);
  if (source.category) facts.push(['folder', source.category]);
  return h('dl', { class: 'health' }, ...facts.flatMap(([key, value]) => [h('dt', {}, t(key)), h('dd', {}, value)]));
}

export async function sourcesView(ctx: ViewContext, reload: () => Promise<void>): Promise<void> {
  const [{ items: sources }, subscriptions] = await Promise.all([
    api<{ items: Source[] }>('GET', '/api/v1/sources'),
    api<Array<{ source: Source; category: string }>>('GET', '/api/v1/me/subscriptions'),
  ]);
  ctx.setList([], '#/sources');
  const subscribed = new Set(subscriptions.map((s) => s.source.id));
  const run = (action: () => Promise<unknown>, done: MessageKey) => {
    action()
      .then(reload)
      .then(() => ctx.notify(t(done)))
      .catch((error: unknown) => ctx.notify(errorText(error), true));
  };
  const action = (source: Source, verb: string, label: MessageKey, done: MessageKey) =>
    h('button', { type: 'button', 'data-action': verb, onclick: () => run(() => api('POST', `/api/v1/sources/${encodeURIComponent(source.id)}/${verb}`), done) }, t(label));

  const file = h('input', { type: 'file', id: 'opml-file', accept: '.opml,.xml,text/xml,application/xml', class: 'visually-hidden' });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    chosen
      .text()
      .then((text) => api<{ imported: number; skipped: number }>('POST', '/api/v1/sources/import', { raw: { type: 'text/xml', text } }))
      .then(async (result) => {
        // Imported feeds are followed at once, in the folders the document gave them.
        const { items } = await api<{ items: Source[] }>('GET', '/api/v1/sources');
        await Promise.all(items.filter((s) => !subscribed.has(s.id)).map((s) => api('PUT', `/api/v1/me/subscriptions/${encodeURIComponent(s.id)}`, { body: { category: s.category ?? '' } })));
        ctx.notify(`${t('imported')}: ${result.imported}, ${t('skipped')}: ${result.skipped}`);
        await reload();
      })
      .catch((error: unknown) => ctx.notify(errorText(error), true));
  });
  const opml = h(
    'div',
    { class: 'opml' },
    h('label', { for: 'opml-file', class: 'button' }, t('importOpml')),
    file,
    h('a', { class: 'button', href: '/api/v1/sources/export', download: 'subscriptions.opml' }, t('exportOpml')),
  );

  const rows = sources.map((source) => {
    const status = sourceStatus(source);
    const follow = subscribed.has(source.id);
    return h(
      'li',
      { class: `source ${status.className}`, 'data-source-id': source.id },
      h('div', { class: 'source-head' }, h('h3', {}, source.title || source.url), h('span', { class: `badge ${status.className}` }, t(status.key))),
      h('p', { class: 'meta source-url' }, source.url),
      health(source),
      source.lastError ? h('p', { class: 'error-text' }, `${t('lastError')}: ${source.lastError} (${source.consecutiveFailures} ${t('failures')})`) : null,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              run(
                () => (follow ? api('DELETE', `/api/v1/me/subscriptions/${encodeURIComponent(source.id)}`) : api('PUT', `/api/v1/me/subscriptions/${encodeURIComponent(source.id)}`, { body: {} })),
                follow ? 'unsubscribe' : 'subscribe',
              ),
          },
          follow ? t('unsubscribe') : t('subscribe'),
        ),
        ctx.isAdmin ? action(source, 'refresh', 'refresh', 'refreshQueued') : null,
        ctx.isAdmin ? (source.status === 'paused' ? action(source, 'resume', 'resume', 'resumed') : action(source, 'pause', 'pause', 'paused')) : null,
      ),
    );
  });
  replaceChildren(
    ctx.main,
    heading('sources', opml),
    ctx.isAdmin ? addSourceForm(ctx, reload) : null,
    sources.length ? h('ul', { class: 'sources' }, ...rows) : h('p', { class: 'empty' }, t('empty')),
  );
}
