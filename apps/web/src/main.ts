import { api, ApiError, session as fetchSession, useCsrfToken, type ListItem, type Session, type Source } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatDate, initialLanguage, language, setLanguage, t, type MessageKey } from './i18n.js';
import { sourcesView } from './sources.js';
import { articleView, errorText, listView, searchView, storiesView, toggle, type ListKind, type ViewContext } from './views.js';

type Theme = 'light' | 'dark';
const THEME_KEY = 'autoglm.theme';

const root = document.getElementById('app') as HTMLElement;
let current: Session = { user: null, via: null, csrfToken: null, accounts: true };
let sources = new Map<string, Source>();
let list: ListItem[] = [];
let listRoute = '#/latest';
let selected = -1;
/** The article on screen, when the article view is open. */
let openArticle: ListItem | undefined;

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function setTheme(theme: Theme): void {
  localStorage.setItem(THEME_KEY, theme);
  document.documentElement.dataset['theme'] = theme;
}

const status = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
function notify(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
  status.classList.add('shown');
  window.setTimeout(() => status.classList.remove('shown'), 4000);
}

const main = h('main', { id: 'main', tabindex: '-1' });

/** Counts navigations: a view whose data arrives after the reader moved on draws into a detached element. */
let navigation = 0;

/** The context of one navigation: its own element inside <main>, and list updates only while it is current. */
function viewContext(): { context: ViewContext; current: () => boolean } {
  const id = ++navigation;
  const current = () => id === navigation;
  const view = h('div', { class: 'view' });
  replaceChildren(main, view);
  const context: ViewContext = {
    main: view,
    notify,
    sourceTitle: (sourceId) => sources.get(sourceId)?.title ?? '',
    setList(items, route) {
      if (!current()) return;
      list = items;
      listRoute = route;
      selected = -1;
    },
    listItems: () => list,
    listRoute: () => listRoute,
    select,
    isAdmin: sessionIsAdmin(),
  };
  return { context, current };
}

function sessionIsAdmin(): boolean {
  return current.user?.isAdmin === true;
}

function select(index: number): void {
  const items = main.querySelectorAll<HTMLElement>('li.item');
  if (items.length === 0) return;
  selected = Math.max(0, Math.min(index, items.length - 1));
  items.forEach((element, i) => {
    element.classList.toggle('selected', i === selected);
    if (i === selected) element.setAttribute('aria-current', 'true');
    else element.removeAttribute('aria-current');
  });
  items[selected]?.scrollIntoView({ block: 'nearest' });
}

// ---- signed out: sign in, or create the instance's first account ----

function field(id: string, label: MessageKey, input: HTMLInputElement): HTMLElement[] {
  input.id = id;
  return [h('label', { for: id }, t(label)), input];
}

function authView(): void {
  const first = !current.accounts;
  const name = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: first ? 'new-password' : 'current-password', required: true, minlength: first ? '8' : '1', maxlength: '1024' });
  const error = h('p', { class: 'error-text', role: 'alert' });
  const form = h(
    'form',
    { class: 'auth-form', 'aria-labelledby': 'view-title' },
    h('h1', { id: 'view-title' }, first ? t('createAccount') : t('signIn')),
    h('p', { class: 'meta' }, first ? t('createAccountHint') : t('signInHint')),
    ...field('auth-name', 'userName', name),
    ...field('auth-password', 'password', password),
    error,
    h('button', { type: 'submit', class: 'primary' }, first ? t('createAccount') : t('signIn')),
    // The provider's sign-in is a plain navigation: the gateway redirects there and back.
    current.oidc ? h('p', { class: 'or' }, t('or')) : null,
    current.oidc ? h('a', { class: 'button oidc', href: '/api/v1/session/oidc', 'data-action': 'oidc' }, t('signInWith').replace('{name}', current.oidc)) : null,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    void (async () => {
      try {
        let apiKey = '';
        if (first) {
          const created = await api<{ apiKey: { key: string } }>('POST', '/api/v1/users', { body: { name: name.value.trim(), password: password.value } });
          apiKey = created.apiKey.key;
        }
        current = await api<Session>('POST', '/api/v1/session', { body: { name: name.value.trim(), password: password.value } });
        useCsrfToken(current.csrfToken);
        if (apiKey) showApiKey(apiKey);
        else await start();
      } catch (failure) {
        error.textContent = errorText(failure);
      }
    })();
  });
  replaceChildren(root, h('div', { class: 'auth' }, h('p', { class: 'brand' }, t('appName')), form, languageButton(authView)), status);
  name.focus();
}

function showApiKey(key: string): void {
  const next = h('button', { type: 'button', class: 'primary' }, t('continue'));
  next.addEventListener('click', () => void start());
  replaceChildren(root, h('div', { class: 'auth' }, h('div', { class: 'auth-form' }, h('h1', {}, t('appName')), h('p', {}, t('apiKeyOnce')), h('pre', { class: 'key' }, key), next)), status);
  next.focus();
}

// ---- signed in: the reader ----

const NAV: Array<[string, MessageKey]> = [
  ['#/foryou', 'forYou'],
  ['#/latest', 'latest'],
  ['#/unread', 'unread'],
  ['#/starred', 'starred'],
  ['#/stories', 'stories'],
  ['#/search', 'search'],
  ['#/sources', 'sources'],
  ['#/account', 'account'],
];

function languageButton(redraw: () => void): HTMLElement {
  const button = h('button', { type: 'button', class: 'lang', title: t('languageLabel'), lang: language() === 'zh' ? 'en' : 'zh-CN' }, t('language'));
  button.addEventListener('click', () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    redraw();
  });
  return button;
}

function themeButton(): HTMLElement {
  const dark = document.documentElement.dataset['theme'] === 'dark';
  const button = h('button', { type: 'button', class: 'theme', 'aria-pressed': String(dark), 'aria-label': `${t('theme')}: ${dark ? t('themeDark') : t('themeLight')}` }, dark ? '☾' : '☀');
  button.addEventListener('click', () => {
    setTheme(document.documentElement.dataset['theme'] === 'dark' ? 'light' : 'dark');
    drawShell();
    void route();
  });
  return button;
}

const searchBox = h('input', { type: 'search', id: 'quick-search', name: 'q', placeholder: t('searchPlaceholder'), 'aria-label': t('search'), maxlength: '512' });

function drawShell(): void {
  searchBox.placeholder = t('searchPlaceholder');
  searchBox.setAttribute('aria-label', t('search'));
  const quick = h('form', { class: 'quick-search', role: 'search' }, searchBox);
  quick.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(searchBox.value.trim())}&mode=hybrid`;
  });
  const nav = h('nav', { class: 'nav', 'aria-label': t('appName') }, ...NAV.map(([href, key]) => h('a', { href, 'data-route': href }, t(key))));
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/foryou' }, t('appName')),
    quick,
    h('div', { class: 'tools' }, themeButton(), languageButton(() => {
      drawShell();
      void route();
    }), h('button', { type: 'button', class: 'help-button', 'aria-label': t('help'), onclick: () => help.showModal() }, '?')),
    nav,
  );
  replaceChildren(root, h('a', { class: 'skip', href: '#main', onclick: (event: Event) => { event.preventDefault(); main.focus(); } }, t('skip')), header, main, status, help);
  drawHelp();
  markNav();
}

function markNav(): void {
  const hash = location.hash.split('?')[0] || '#/foryou';
  for (const link of root.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (link.dataset['route'] === hash) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

const help = h('dialog', { class: 'help', 'aria-labelledby': 'help-title' });
function drawHelp(): void {
  const keys: Array<[string, MessageKey]> = [
    ['j', 'keyNext'],
    ['k', 'keyPrevious'],
    ['o', 'keyOpen'],
    ['s', 'keyStar'],
    ['m', 'keyRead'],
    ['/', 'keySearch'],
    ['u', 'keyBack'],
    ['?', 'keyHelp'],
  ];
  const close = h('button', { type: 'button', onclick: () => help.close() }, t('close'));
  replaceChildren(
    help,
    h('h2', { id: 'help-title' }, t('help')),
    h('dl', { class: 'keys' }, ...keys.flatMap(([key, text]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, t(text))])),
    close,
  );
}

interface Identity {
  issuer: string;
  subject: string;
  createdAt: string;
}

/** The identities at the OpenID provider that sign in to this account: listed, unlinked, and a link to add one. */
function identitiesSection(provider: string): HTMLElement {
  const list = h('ul', { class: 'identities', 'aria-labelledby': 'identities-title' });
  const load = async (): Promise<void> => {
    const { items } = await api<{ items: Identity[] }>('GET', '/api/v1/me/identities');
    if (items.length === 0) {
      replaceChildren(list, h('li', { class: 'meta' }, t('noLinkedSignIns')));
      return;
    }
    replaceChildren(
      list,
      ...items.map((identity) => {
        const unlink = h('button', { type: 'button', class: 'danger', 'data-action': 'unlink-identity' }, t('unlinkIdentity'));
        unlink.addEventListener('click', () => {
          const query = new URLSearchParams({ issuer: identity.issuer, subject: identity.subject });
          void api('DELETE', `/api/v1/me/identities?${query.toString()}`)
            .then(() => notify(t('identityUnlinked')))
            .then(load)
            .catch((error: unknown) => notify(errorText(error), true));
        });
        return h('li', {}, h('span', {}, `${identity.issuer} · ${identity.subject} · ${formatDate(identity.createdAt)}`), unlink);
      }),
    );
  };
  load().catch((error: unknown) => notify(errorText(error), true));
  return h(
    'section',
    { class: 'identities-section', 'aria-labelledby': 'identities-title' },
    h('h2', { id: 'identities-title' }, t('linkedSignIns').replace('{name}', provider)),
    h('p', { class: 'meta' }, t('linkedSignInsHint').replace('{name}', provider)),
    list,
    h('a', { class: 'button oidc', href: '/api/v1/session/oidc/link', 'data-action': 'link-identity' }, t('linkIdentity').replace('{name}', provider)),
  );
}

function accountView(context: ViewContext, params: URLSearchParams): void {
  const user = current.user;
  if (!user) return;
  // Back from the provider after linking an identity (the callback says how it went).
  if (params.has('linked')) notify(t('identityLinked').replace('{name}', current.oidc ?? ''));
  const linkError = params.get('linkError');
  if (linkError) notify(t('linkFailed').replace('{reason}', linkError), true);
  context.setList([], '#/account');
  const currentPassword = h('input', { type: 'password', autocomplete: 'current-password', maxlength: '1024' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '1024' });
  const form = h(
    'form',
    { class: 'password-form', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, t('setPassword')),
    ...(user.hasPassword ? field('current-password', 'currentPassword', currentPassword) : []),
    ...field('new-password', 'newPassword', password),
    h('button', { type: 'submit' }, t('setPassword')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api('PUT', '/api/v1/me/password', { body: { password: password.value, ...(currentPassword.value ? { currentPassword: currentPassword.value } : {}) } })
      .then(() => {
        form.reset();
        notify(t('passwordSaved'));
      })
      .catch((error: unknown) => notify(errorText(error), true));
  });
  const signOut = h('button', { type: 'button', 'data-action': 'sign-out' }, t('signOut'));
  signOut.addEventListener('click', () => void api('DELETE', '/api/v1/session').then(restart, restart));
  const everywhere = h('button', { type: 'button', class: 'danger', 'data-action': 'sign-out-everywhere' }, t('signOutEverywhere'));
  everywhere.addEventListener('click', () =>
    void api('DELETE', '/api/v1/me/sessions')
      .then(() => notify(t('signedOutEverywhere')))
      .then(restart, restart),
  );
  replaceChildren(
    context.main,
    h('div', { class: 'view-head' }, h('h1', { id: 'view-title', tabindex: '-1' }, t('account'))),
    h('p', {}, `${t('signedInAs')} `, h('strong', {}, user.name), user.isAdmin ? ` (${t('admin')})` : ''),
    form,
    current.oidc ? identitiesSection(current.oidc) : null,
    h('div', { class: 'actions' }, signOut, everywhere),
  );
}

async function loadSources(): Promise<void> {
  const { items } = await api<{ items: Source[] }>('GET', '/api/v1/sources');
  sources = new Map(items.map((source) => [source.id, source]));
}

async function route(): Promise<void> {
  markNav();
  openArticle = undefined;
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const [, view = 'foryou', id = ''] = path.split('/');
  const { context, current: stillCurrent } = viewContext();
  if (view !== 'search') searchBox.value = '';
  try {
    switch (view) {
      case 'foryou':
      case 'latest':
      case 'unread':
      case 'starred':
        await listView(context, view as ListKind);
        break;
      case 'stories':
        await storiesView(context, params.get('cursor') ?? '');
        break;
      case 'search':
        searchBox.value = params.get('q') ?? '';
        await searchView(context, params.get('q') ?? '', params.get('mode') ?? 'hybrid');
        break;
      case 'sources': {
        const reload = async () => {
          await loadSources();
          await sourcesView(context, reload);
        };
        await reload();
        break;
      }
      case 'account':
        accountView(context, params);
        break;
      case 'article': {
        const shown = await articleView(context, decodeURIComponent(id));
        if (stillCurrent()) openArticle = shown;
        break;
      }
      default:
        location.hash = '#/foryou';
        return;
    }
    if (view !== 'search' && stillCurrent()) main.querySelector<HTMLElement>('#view-title')?.focus({ preventScroll: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      await restart();
      return;
    }
    replaceChildren(context.main, h('p', { class: 'error-text', role: 'alert' }, errorText(error)));
  }
}

// ---- keyboard ----

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function step(delta: number): void {
  if (openArticle) {
    const index = list.findIndex((item) => item.article.id === openArticle?.article.id);
    const next = list[index + delta];
    if (index >= 0 && next) location.hash = `#/article/${encodeURIComponent(next.article.id)}`;
    return;
  }
  select(selected < 0 ? 0 : selected + delta);
}

function currentItem(): ListItem | undefined {
  return openArticle ?? (selected >= 0 ? list[selected] : undefined);
}

function redrawMarks(item: ListItem): void {
  // The item's buttons show its marks; redraw the view's list entry (or the article's buttons).
  const scope = openArticle ? main : main.querySelector(`li.item[data-id="${CSS.escape(item.article.id)}"]`);
  scope?.querySelectorAll<HTMLButtonElement>('button.mark').forEach((button) => {
    const starred = button.dataset['action'] === 'star';
    const on = starred ? item.marks?.starred : item.marks?.read;
    button.setAttribute('aria-pressed', String(on === true));
    button.textContent = starred ? (on ? `★ ${t('unstar')}` : `☆ ${t('star')}`) : on ? t('markUnread') : t('markRead');
  });
  if (!openArticle) main.querySelector(`li.item[data-id="${CSS.escape(item.article.id)}"]`)?.classList.toggle('is-read', item.marks?.read === true);
}

document.addEventListener('keydown', (event) => {
  if (!current.user || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (help.open && event.key !== '?') return;
  const item = currentItem();
  switch (event.key) {
    case 'j':
      step(1);
      break;
    case 'k':
      step(-1);
      break;
    case 'o':
    case 'Enter':
      if (openArticle) window.open(openArticle.article.url, '_blank', 'noopener,noreferrer');
      else if (item) location.hash = `#/article/${encodeURIComponent(item.article.id)}`;
      else return;
      break;
    case 's':
    case 'm':
      if (!item) return;
      void toggle(item, event.key === 's' ? 'starred' : 'read')
        .then(() => redrawMarks(item))
        .catch((error: unknown) => notify(errorText(error), true));
      break;
    case '/':
      searchBox.focus();
      break;
    case 'u':
      if (!openArticle) return;
      location.hash = listRoute;
      break;
    case '?':
      if (help.open) help.close();
      else help.showModal();
      break;
    default:
      return;
  }
  event.preventDefault();
});

// ---- start ----

async function restart(): Promise<void> {
  current = await fetchSession().catch(() => ({ user: null, via: null, csrfToken: null, accounts: true }) satisfies Session);
  useCsrfToken(current.csrfToken);
  if (current.user) await start();
  else authView();
}

async function start(): Promise<void> {
  drawShell();
  await loadSources().catch(() => undefined);
  if (!location.hash || location.hash === '#') location.hash = '#/foryou';
  else await route();
}

window.addEventListener('hashchange', () => {
  if (current.user) void route();
});
setLanguage(initialLanguage());
setTheme(initialTheme());
void restart();
