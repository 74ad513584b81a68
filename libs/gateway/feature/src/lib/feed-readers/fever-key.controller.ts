import { Body, Controller, Delete, HttpCode, HttpStatus, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { FEVER_KEY_PREFIX, feverApiKey, feverKeyHash } from './feed-reader-auth.service';

export class FeverPasswordDto {
  @ApiProperty({ description: 'The password to type into a Fever app (with your user name); 8..200 characters.', minLength: 8, maxLength: 200 })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password!: string;
}

/**
 * The caller's Fever password. Fever apps log in with md5("name:password") as their api_key, so
 * that MD5 is what they present; it is kept like an API key (SHA-256 only, prefix "fever", listed
 * and revocable with the other keys). Setting a new password revokes the previous one.
 */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me/fever')
export class FeverKeyController {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Put()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Set your Fever password (for Fever-speaking feed apps: user name + this password).' })
  @ApiNoContentResponse()
  async setPassword(@CurrentCaller() caller: Caller, @Body() body: FeverPasswordDto): Promise<void> {
    await this.revokeFeverKeys(caller);
    const keyHash = feverKeyHash(feverApiKey(caller.name, body.password));
    await this.storage.createApiKey({ apiKey: { name: 'Fever', prefix: FEVER_KEY_PREFIX, keyHash } }, { actor: caller.userId });
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Turn Fever access off (revokes your Fever password).' })
  @ApiNoContentResponse()
  async removePassword(@CurrentCaller() caller: Caller): Promise<void> {
    await this.revokeFeverKeys(caller);
  }

  private async revokeFeverKeys(caller: Caller): Promise<void> {
    const { apiKeys } = await this.storage.listApiKeys({}, { actor: caller.userId });
    for (const key of apiKeys) {
      if (key.prefix === FEVER_KEY_PREFIX && !key.revokedAt) await this.storage.revokeApiKey({ apiKeyId: key.id }, { actor: caller.userId });
    }
  }
}
