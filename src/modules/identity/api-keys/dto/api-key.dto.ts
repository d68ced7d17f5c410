import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { API_SCOPES, ApiScope } from '../../../../common/auth/roles';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { ApiKeyState } from '../../domain/api-key-rules';
import { trimmed } from '../../text';
import { ApiKey } from '../api-key.entity';

const ID = /^\d{1,19}$/;
const STATES: ApiKeyState[] = ['active', 'expired', 'revoked'];

export class ApiKeyQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'organisationId must be a numeric id' })
  organisationId?: string;
}

export class CreateApiKeyRequest {
  @ApiProperty({ description: 'The organisation the key acts for' })
  @Matches(ID, { message: 'organisationId must be a numeric id' })
  organisationId!: string;

  @ApiProperty({ example: 'HIS interface' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_SCOPES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(API_SCOPES.length)
  @IsIn(API_SCOPES, { each: true })
  scopes!: ApiScope[];

  @ApiPropertyOptional({
    description: 'ISO 8601, in the future; omit for a key that does not expire',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty() organisationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Visible part of the key (jk_<prefix>_…), to recognise it' })
  prefix!: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ enum: STATES }) state!: ApiKeyState;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;

  static of(k: ApiKey, state: ApiKeyState): ApiKeyView {
    return {
      id: k.id,
      organisationId: k.organisationId,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      state,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
      expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
      revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
    };
  }
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    description: 'The key itself, shown this once: only its hash is stored. Send it as X-Api-Key.',
  })
  key!: string;
}

export class ApiKeyPage extends PageOf(ApiKeyView) {}
