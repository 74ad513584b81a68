import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { ApiKeyDto, CreateApiKeyDto, NewApiKeyDto, UserDto } from './me.dto';
import { mapApiKey, mapNewApiKey, mapUser } from './me.mapper';
import { Access, AccessPolicy } from '../auth/access';

/** The caller's account and API keys. */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class MeController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentCaller() caller: Caller): Promise<UserDto> {
    return mapUser((await this.storage.getUser({}, { actor: caller.userId })).user);
  }

  @Get('api-keys')
  @ApiOkResponse({ type: [ApiKeyDto] })
  async listKeys(@CurrentCaller() caller: Caller): Promise<ApiKeyDto[]> {
    return (await this.storage.listApiKeys({}, { actor: caller.userId })).apiKeys.map(mapApiKey);
  }

  @Post('api-keys')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Make another API key; the key is in this answer only.' })
  @ApiCreatedResponse({ type: NewApiKeyDto })
  async createKey(@CurrentCaller() caller: Caller, @Body() body: CreateApiKeyDto): Promise<NewApiKeyDto> {
    const generated = generateApiKey();
    const { apiKey } = await this.storage.createApiKey(
      { apiKey: { name: body.name ?? '', prefix: generated.prefix, keyHash: generated.keyHash } },
      { actor: caller.userId },
    );
    return mapNewApiKey(apiKey, generated);
  }

  @Delete('api-keys/:id')
  @ApiOperation({ summary: 'Revoke one of your API keys (it stops working within auth.keyCacheSeconds on other gateway replicas).' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async revokeKey(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<ApiKeyDto> {
    const { apiKey } = await this.storage.revokeApiKey({ apiKeyId: id }, { actor: caller.userId });
    this.authenticator.forgetAll();
    return mapApiKey(apiKey);
  }
}
