import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, Inject, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, STORAGE_CLIENT, type RecommenderClient, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { DigestDto, DigestQueryDto, DigestSettingsDto, PutDigestSettingsDto } from './push.dto';
import { mapDigest, mapDigestSettings } from './push.mapper';

/** The caller's digest: now (JSON or HTML), and when and where it is e-mailed. */
@ApiTags('push')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me/digest')
export class DigestController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your digest of the last hour or day: rule picks first, then the top stories for you, with summaries.' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: DigestDto })
  async digest(@CurrentCaller() caller: Caller, @Query() query: DigestQueryDto, @Res({ passthrough: true }) res: ServerResponse): Promise<DigestDto | string> {
    const digest = await this.recommender.getDigest({ period: query.period ?? 'daily' }, { actor: caller.userId });
    if (query.format === 'html') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return digest.html;
    }
    return mapDigest(digest);
  }

  @Get('settings')
  @ApiOkResponse({ type: DigestSettingsDto })
  async settings(@CurrentCaller() caller: Caller): Promise<DigestSettingsDto> {
    return mapDigestSettings((await this.storage.getDigestSettings({}, { actor: caller.userId })).settings);
  }

  @Put('settings')
  @ApiOperation({ summary: 'hourly or daily digests by e-mail to `email` (sent when the instance has SMTP_URL), or off.' })
  @ApiOkResponse({ type: DigestSettingsDto })
  async putSettings(@CurrentCaller() caller: Caller, @Body() body: PutDigestSettingsDto): Promise<DigestSettingsDto> {
    const { settings } = await this.storage.putDigestSettings({ period: body.period, email: body.email ?? '' }, { actor: caller.userId });
    return mapDigestSettings(settings);
  }
}
