import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { CreateWebhookDto, DeliveriesQueryDto, NewWebhookDto, UpdateWebhookDto, WebhookDeliveryDto, WebhookDto } from './push.dto';
import { mapNewWebhook, mapWebhook, mapWebhookDelivery } from './push.mapper';

/** A new endpoint's HMAC key: 32 random bytes, shown once. */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The caller's webhook endpoints and their delivery logs. */
@ApiTags('push')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me/webhooks')
export class WebhooksController {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Get()
  @ApiOkResponse({ type: [WebhookDto] })
  async list(@CurrentCaller() caller: Caller): Promise<WebhookDto[]> {
    return (await this.storage.listWebhooks({}, { actor: caller.userId })).webhooks.map(mapWebhook);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Add an endpoint. The answer holds its signing secret, this once.' })
  @ApiCreatedResponse({ type: NewWebhookDto })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateWebhookDto): Promise<NewWebhookDto> {
    const secret = newWebhookSecret();
    const { webhook } = await this.storage.createWebhook({ url: body.url, description: body.description ?? '', secret }, { actor: caller.userId });
    return mapNewWebhook(webhook, secret);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL or description, or enable / disable the endpoint.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: UpdateWebhookDto): Promise<WebhookDto> {
    const { webhook } = await this.storage.updateWebhook(
      { id, url: body.url, description: body.description, enabled: body.enabled },
      { actor: caller.userId },
    );
    return mapWebhook(webhook);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.storage.deleteWebhook({ id }, { actor: caller.userId });
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Queue a signed "ping" delivery to the endpoint.' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async test(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<WebhookDeliveryDto> {
    return mapWebhookDelivery((await this.storage.testWebhook({ id }, { actor: caller.userId })).delivery);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first: each delivery with its state and every attempt.' })
  @ApiOkResponse({ type: [WebhookDeliveryDto] })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deliveries(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<WebhookDeliveryDto[]> {
    const { deliveries } = await this.storage.listWebhookDeliveries({ webhookId: id, limit: query.limit ?? 20 }, { actor: caller.userId });
    return deliveries.map(mapWebhookDelivery);
  }
}
