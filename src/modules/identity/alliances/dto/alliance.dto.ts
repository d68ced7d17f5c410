import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { OrganisationRef } from '../../auth/dto/auth.dto';
import { ORGANISATION_CODE_PATTERN } from '../../domain/organisation-rules';
import { trimmed } from '../../text';
import { organisationRef } from '../../organisations/dto/organisation.dto';
import type { Organisation } from '../../organisations/organisation.entity';
import type { Region } from '../../regions/region.entity';
import { Alliance, AllianceMember, AllianceMemberType } from '../alliance.entity';

const ID = /^\d{1,19}$/;
export const ALLIANCE_SORTS = ['code', 'name', 'createdAt'] as const;
const MEMBER_TYPES: AllianceMemberType[] = ['region', 'hospital'];

export class AllianceQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Name or code contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'leadOrgId must be a numeric id' })
  leadOrgId?: string;

  @ApiPropertyOptional({ enum: ALLIANCE_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(ALLIANCE_SORTS)
  sort: (typeof ALLIANCE_SORTS)[number] = 'code';
}

export class CreateAllianceRequest {
  @ApiProperty({ example: 'YRD-2026' })
  @Matches(ORGANISATION_CODE_PATTERN, {
    message: 'code must be 3-32 upper-case letters, digits or "-", not starting with "-"',
  })
  code!: string;

  @ApiProperty({ example: '长三角药品联合采购联盟' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    description: 'Leading authority (one you can see); defaults to your own organisation',
  })
  @IsOptional()
  @Matches(ID, { message: 'leadOrgId must be a numeric id' })
  leadOrgId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateAllianceRequest {
  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Matches(ID, { message: 'leadOrgId must be a numeric id' })
  leadOrgId?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class AddAllianceMemberRequest {
  @ApiProperty({ enum: MEMBER_TYPES })
  @IsIn(MEMBER_TYPES)
  type!: AllianceMemberType;

  @ApiPropertyOptional({ description: 'For a region member', example: '320100' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'For a hospital member' })
  @IsOptional()
  @Matches(ID, { message: 'organisationId must be a numeric id' })
  organisationId?: string;
}

export class AllianceMemberView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: MEMBER_TYPES }) type!: AllianceMemberType;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty({ nullable: true, type: OrganisationRef }) organisation!: OrganisationRef | null;
  @ApiProperty() createdAt!: string;

  static of(d: {
    member: AllianceMember;
    region: Region | null;
    organisation: Organisation | null;
  }): AllianceMemberView {
    return {
      id: d.member.id,
      type: d.member.memberType,
      regionCode: d.member.regionCode,
      regionName: d.region?.name ?? null,
      organisation: d.organisation ? organisationRef(d.organisation) : null,
      createdAt: d.member.createdAt.toISOString(),
    };
  }
}

export class AllianceView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: OrganisationRef }) leadOrganisation!: OrganisationRef;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(d: { alliance: Alliance; lead: Organisation }): AllianceView {
    return {
      id: d.alliance.id,
      code: d.alliance.code,
      name: d.alliance.name,
      description: d.alliance.description,
      leadOrganisation: organisationRef(d.lead),
      createdAt: d.alliance.createdAt.toISOString(),
      updatedAt: d.alliance.updatedAt.toISOString(),
    };
  }
}

export class AllianceDetailView extends AllianceView {
  @ApiProperty({ type: [AllianceMemberView] }) members!: AllianceMemberView[];

  static ofDetail(d: {
    alliance: Alliance;
    lead: Organisation;
    members: Parameters<typeof AllianceMemberView.of>[0][];
  }): AllianceDetailView {
    return { ...AllianceView.of(d), members: d.members.map((mb) => AllianceMemberView.of(mb)) };
  }
}

export class AlliancePage extends PageOf(AllianceView) {}
