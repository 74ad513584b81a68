import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { PushRuleDto, PushRuleInputDto } from './push.dto';
import { mapPushRule, mapPushRuleInput } from './push.mapper';

/** The caller's rules: conditions on new articles and what to do with those that meet them. */
@ApiTags('push')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me/rules')
export class PushRulesController {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Get()
  @ApiOkResponse({ type: [PushRuleDto] })
  async list(@CurrentCaller() caller: Caller): Promise<PushRuleDto[]> {
    return (await this.storage.listPushRules({}, { actor: caller.userId })).rules.map(mapPushRule);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Make a rule; it runs on every article analysed from now on.' })
  @ApiCreatedResponse({ type: PushRuleDto })
  async create(@CurrentCaller() caller: Caller, @Body() body: PushRuleInputDto): Promise<PushRuleDto> {
    return mapPushRule((await this.storage.createPushRule({ rule: mapPushRuleInput(body) }, { actor: caller.userId })).rule);
  }

  @Get(':id')
  @ApiOkResponse({ type: PushRuleDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<PushRuleDto> {
    return mapPushRule((await this.storage.getPushRule({ id }, { actor: caller.userId })).rule);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a rule (name, conditions, actions, enabled).' })
  @ApiOkResponse({ type: PushRuleDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: PushRuleInputDto): Promise<PushRuleDto> {
    return mapPushRule((await this.storage.updatePushRule({ id, rule: mapPushRuleInput(body) }, { actor: caller.userId })).rule);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.storage.deletePushRule({ id }, { actor: caller.userId });
  }
}
