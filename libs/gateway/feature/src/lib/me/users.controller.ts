import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { hashPassword } from '../auth/password-hash';
import { OptionalCaller, type Caller } from '../auth/caller';
import { InstanceAccounts } from '../auth/instance-accounts.service';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { CreatedUserDto, CreateUserDto } from './me.dto';
import { mapNewApiKey, mapUser } from './me.mapper';
import { Access, AccessPolicy } from '../auth/access';

@ApiTags('users')
@Access(AccessPolicy.Bootstrap)
@Controller('users')
export class UsersController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly accounts: InstanceAccounts,
  ) {}

  @Post()
  @RateLimit('userCreation')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create a user with a first API key (shown once). The first user of an instance needs no key and becomes its administrator; after that, an administrator\'s key is needed.',
  })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is taken.' })
  async create(@Body() body: CreateUserDto, @OptionalCaller() caller: Caller | undefined): Promise<CreatedUserDto> {
    const generated = generateApiKey();
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const { user, apiKey } = await this.storage.createUser(
      { name: body.name, apiKey: { name: 'first key', prefix: generated.prefix, keyHash: generated.keyHash }, passwordHash },
      { actor: caller?.userId ?? '' },
    );
    this.accounts.accountCreated();
    return { user: mapUser(user), apiKey: mapNewApiKey(apiKey, generated) };
  }
}
