import { Injectable } from '@nestjs/common';
import type { crawler } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { isFetchError } from '../fetch/fetch-error';
import { GuardedFetcher } from '../fetch/guarded-fetcher';

/** Longest piece of a hub's error answer quoted back. */
const MAX_HUB_MESSAGE_CHARS = 200;

/**
 * Sends WebSub subscription requests (W3C WebSub §5.1): a form POST to the hub through the guarded
 * fetcher, since the hub URL comes from a feed and is outbound traffic like any fetch. The hub
 * accepts with a 2xx (202 usually) and then verifies our intent at the callback.
 */
@Injectable()
export class HubRequest {
  constructor(private readonly fetcher: GuardedFetcher) {}

  async send(request: crawler.SubscribeHubRequest): Promise<crawler.SubscribeHubResponse> {
    const form = hubForm(request);
    try {
      const response = await this.fetcher.postForm(request.hubUrl, form);
      if (response.status >= 200 && response.status < 300) return { accepted: true, httpStatus: response.status, error: '' };
      const said = response.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, MAX_HUB_MESSAGE_CHARS);
      return {
        accepted: false,
        httpStatus: response.status,
        error: `the hub ${request.hubUrl} answered HTTP ${response.status}${said ? `: ${said}` : ''}`,
      };
    } catch (error) {
      if (isFetchError(error)) return { accepted: false, httpStatus: 0, error: error.message };
      throw error;
    }
  }
}

/** The hub.* form of a (un)subscription request; INVALID_ARGUMENT for a request that cannot be sent. */
export function hubForm(request: crawler.SubscribeHubRequest): Record<string, string> {
  for (const [name, value] of [
    ['hub_url', request.hubUrl],
    ['topic_url', request.topicUrl],
    ['callback_url', request.callbackUrl],
  ] as const) {
    if (!isHttpUrl(value)) throw DomainError.invalidArgument(`${name} must be an absolute http(s) URL`);
  }
  if (!Number.isInteger(request.leaseSeconds) || request.leaseSeconds < 0) throw DomainError.invalidArgument('lease_seconds must not be negative');
  // WebSub §5.1: the secret is at most 200 bytes, and only sent over HTTPS in production; a loopback or
  // plain-HTTP hub is an operator's choice (allowHosts), so it is not refused here.
  if (Buffer.byteLength(request.secret) > 200) throw DomainError.invalidArgument('secret must be at most 200 bytes');
  const form: Record<string, string> = {
    'hub.callback': request.callbackUrl,
    'hub.mode': request.unsubscribe ? 'unsubscribe' : 'subscribe',
    'hub.topic': request.topicUrl,
  };
  if (!request.unsubscribe) {
    if (request.leaseSeconds > 0) form['hub.lease_seconds'] = String(request.leaseSeconds);
    if (request.secret) form['hub.secret'] = request.secret;
  }
  return form;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
