import type { IncomingMessage } from 'node:http';
import { Controller, Get, Header, HttpCode, HttpStatus, Inject, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { APP_CONFIG, webSubMaxPushBytes, type AppConfig } from '@autoglm/shared-config';
import { SOURCES_CLIENT, type SourcesClient } from '@autoglm/shared-grpc';
import { readPushedBody } from './pushed-body';
import { Access, AccessPolicy } from '../auth/access';

type Request = IncomingMessage & { rawBody?: Buffer };

const MAX_INT32 = 2_147_483_647;

/**
 * The WebSub callback of each source (outside /api/v1 and its API-key auth: hubs prove
 * themselves with the HMAC secret). GET is the hub's intent verification, POST its content
 * distribution. Sources decides both; this only parses and answers.
 */
@ApiExcludeController()
@Access(AccessPolicy.Public)
@Controller('websub')
export class WebSubController {
  constructor(
    @Inject(SOURCES_CLIENT) private readonly sources: SourcesClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 with hub.challenge as the body when we asked for this (un)subscription; 404 otherwise (WebSub §5.3). */
  @Get(':sourceId')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-store')
  async verify(@Param('sourceId') sourceId: string, @Req() request: Request): Promise<string> {
    const query = new URL(request.url ?? '/', 'http://callback').searchParams;
    const lease = Number(query.get('hub.lease_seconds') ?? '');
    const { confirmed } = await this.sources.verifyWebSubIntent({
      sourceId,
      mode: query.get('hub.mode') ?? '',
      topic: query.get('hub.topic') ?? '',
      challenge: query.get('hub.challenge') ?? '',
      leaseSeconds: Number.isInteger(lease) && lease > 0 ? Math.min(lease, MAX_INT32) : 0,
      reason: query.get('hub.reason') ?? '',
    });
    if (!confirmed) throw new NotFoundException('no such subscription was requested');
    return query.get('hub.challenge') ?? '';
  }

  /**
   * 202 for content from a hub of a subscription of ours: stored when the X-Hub-Signature matches,
   * acknowledged and ignored when it does not (WebSub §7); 404 when the source has no subscription.
   */
  @Post(':sourceId')
  @HttpCode(HttpStatus.ACCEPTED)
  async distribute(@Param('sourceId') sourceId: string, @Req() request: Request): Promise<void> {
    const body = await readPushedBody(request, webSubMaxPushBytes(this.config));
    const signature = request.headers['x-hub-signature'];
    await this.sources.deliverWebSubContent({
      sourceId,
      body,
      contentType: request.headers['content-type'] ?? '',
      signature: Array.isArray(signature) ? (signature[0] ?? '') : (signature ?? ''),
    });
  }
}
