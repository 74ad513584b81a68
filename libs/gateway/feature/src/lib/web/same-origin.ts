import { DomainError } from '@autoglm/shared-errors';

type Headers = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Refuses a browser request another site made (login CSRF: signing a victim in to the attacker's
 * account). Browsers say where a request comes from in Sec-Fetch-Site and Origin; clients that send
 * neither (curl, scripts) are not browsers and pass.
 */
export function assertSameOrigin(headers: Headers): void {
  const site = single(headers['sec-fetch-site']);
  if (site === 'cross-site' || site === 'same-site') throw crossSite();
  const origin = single(headers['origin']);
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw crossSite();
  }
  if (host !== single(headers['host'])) throw crossSite();
}

function crossSite(): DomainError {
  return DomainError.permissionDenied('signing in is only possible from this instance\'s own pages');
}
