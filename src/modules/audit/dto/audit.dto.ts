import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../common/pagination';
import { AuditEvent } from '../audit-event.entity';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'organisation.created' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'Actions starting with this text, e.g. "catalog."' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actionPrefix?: string;

  @ApiPropertyOptional({ example: 'organisation' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ description: 'User or API-key id that acted' })
  @IsOptional()
  @Matches(/^\d+$/, { message: 'actorId must be a numeric id' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'Organisation the actor acted for' })
  @IsOptional()
  @Matches(/^\d+$/, { message: 'orgId must be a numeric id' })
  orgId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditEventView {
  @ApiProperty() id!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ enum: ['user', 'api_key', 'system', 'sealed'] }) actorKind!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty() actorName!: string;
  @ApiProperty({ nullable: true, type: String }) orgId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({ nullable: true, description: 'State before the action' }) before!: unknown;
  @ApiProperty({ nullable: true, description: 'State after the action' }) after!: unknown;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;

  static of(e: AuditEvent): AuditEventView {
    return {
      id: e.id,
      occurredAt: e.occurredAt.toISOString(),
      actorKind: e.actorKind,
      actorId: e.actorId,
      actorName: e.actorName,
      orgId: e.orgId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      before: e.beforeJson === null ? null : (JSON.parse(e.beforeJson) as unknown),
      after: e.afterJson === null ? null : (JSON.parse(e.afterJson) as unknown),
      requestId: e.requestId,
      prevHash: e.prevHash,
      hash: e.hash,
    };
  }
}

export class AuditEventPage extends PageOf(AuditEventView) {}

export class BrokenLinkView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch'] })
  reason!: string;
  @ApiProperty() expected!: string;
  @ApiProperty() actual!: string;
}

export class AuditVerification {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Rows checked before the first broken link (or all rows)' })
  checked!: number;
  @ApiProperty({ description: 'Last intact link' }) lastId!: string;
  @ApiProperty({ type: BrokenLinkView, nullable: true }) firstBroken!: BrokenLinkView | null;
}
