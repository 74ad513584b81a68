import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-hash';
import { UserDto } from '../me/me.dto';

export class SignInDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: `The new password (${MIN_PASSWORD_LENGTH}..${MAX_PASSWORD_LENGTH} characters).` })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiPropertyOptional({ description: 'The current password: needed when a signed-in browser changes a password that exists (an API key may set one without it).' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  currentPassword?: string;
}

export type SignedInVia = 'session' | 'api-key';

export class SessionDto {
  @ApiProperty({ type: UserDto, nullable: true, description: 'Who asks: null when nobody is signed in.' })
  user!: UserDto | null;

  @ApiProperty({ enum: ['session', 'api-key'], nullable: true })
  via!: SignedInVia | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'For a signed-in browser: the token to send as X-CSRF-Token with every request that changes something.',
  })
  csrfToken!: string | null;

  @ApiProperty({ description: 'Whether the instance has accounts (false: the web reader offers to create the first one).' })
  accounts!: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The OpenID Connect provider one can sign in with (GET /api/v1/session/oidc), by name; null when none is configured.',
  })
  oidc?: string | null;
}

export class SessionsEndedDto {
  @ApiProperty()
  sessionsEnded!: number;
}

/** An identity at an OpenID Connect provider that signs in to your account. */
export class IdentityDto {
  @ApiProperty({ description: "The provider's issuer identifier (its URL).", example: 'https://id.example.org' })
  issuer!: string;

  @ApiProperty({ description: "The provider's id of the person (the ID token's sub claim)." })
  subject!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When it was linked.' })
  createdAt!: string;
}

export class IdentitiesDto {
  @ApiProperty({ type: [IdentityDto] })
  items!: IdentityDto[];
}

/** Which identity to unlink (query parameters: an issuer is a URL, awkward in a path). */
export class UnlinkIdentityQueryDto {
  @ApiProperty({ description: "The provider's issuer identifier, as listed." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  issuer!: string;

  @ApiProperty({ description: "The provider's id of the person, as listed." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  subject!: string;
}
