import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ORG_TYPES, OrgType } from '../../../../common/auth/roles';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { OrganisationRef } from '../../auth/dto/auth.dto';
import { CREDIT_CODE_PATTERN, ORGANISATION_CODE_PATTERN } from '../../domain/organisation-rules';
import { booleanQuery, trimmed } from '../../text';
import {
  HOSPITAL_GRADES,
  HOSPITAL_KINDS,
  HospitalGrade,
  HospitalKind,
  Organisation,
  ORG_STATUSES,
  OrgStatus,
} from '../organisation.entity';

const REGION_CODE = /^\d{6}$/;
const PHONE = /^[0-9+() -]{3,32}$/;
const CODE_MESSAGE = 'code must be 3-32 upper-case letters, digits or "-", not starting with "-"';
const CREDIT_MESSAGE = 'creditCode must be an 18-character 统一社会信用代码';
const PHONE_MESSAGE = 'contactPhone may hold only digits, spaces, "+", "-", "(" and ")"';

export const ORGANISATION_SORTS = ['code', 'name', 'createdAt'] as const;

export class OrganisationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORG_TYPES })
  @IsOptional()
  @IsIn(ORG_TYPES)
  type?: OrgType;

  @ApiPropertyOptional({ enum: HOSPITAL_KINDS })
  @IsOptional()
  @IsIn(HOSPITAL_KINDS)
  hospitalKind?: HospitalKind;

  @ApiPropertyOptional({ enum: HOSPITAL_GRADES })
  @IsOptional()
  @IsIn(HOSPITAL_GRADES)
  grade?: HospitalGrade;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({ description: 'In this region or below it', example: '320100' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: ORG_STATUSES })
  @IsOptional()
  @IsIn(ORG_STATUSES)
  status?: OrgStatus;

  @ApiPropertyOptional({ description: 'Name or code contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(ORGANISATION_SORTS)
  sort: (typeof ORGANISATION_SORTS)[number] = 'code';
}

export class CreateOrganisationRequest {
  @ApiProperty({ example: 'H-320102-001' })
  @Matches(ORGANISATION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '南京市玄武区人民医院' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ORG_TYPES })
  @IsIn(ORG_TYPES)
  type!: OrgType;

  @ApiPropertyOptional({ enum: HOSPITAL_KINDS, description: 'Hospitals only (required there)' })
  @IsOptional()
  @IsIn(HOSPITAL_KINDS)
  hospitalKind?: HospitalKind;

  @ApiPropertyOptional({ enum: HOSPITAL_GRADES, description: 'Hospitals only (required there)' })
  @IsOptional()
  @IsIn(HOSPITAL_GRADES)
  grade?: HospitalGrade;

  @ApiPropertyOptional({
    description: 'Hospitals only; defaults to true for a public hospital, false otherwise',
  })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({
    example: '320102',
    description: 'Required for hospitals, and for authorities unless created platform-wide',
  })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ example: '12320100466007720X' })
  @IsOptional()
  @Matches(CREDIT_CODE_PATTERN, { message: CREDIT_MESSAGE })
  creditCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100)
  contactName?: string;

  @ApiPropertyOptional({ example: '025-84801234' })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  contactPhone?: string;
}

/** Absent = unchanged; null clears an optional field. The type and code never change. */
export class UpdateOrganisationRequest {
  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: HOSPITAL_KINDS, nullable: true })
  @IsOptional()
  @IsIn(HOSPITAL_KINDS)
  hospitalKind?: HospitalKind | null;

  @ApiPropertyOptional({ enum: HOSPITAL_GRADES, nullable: true })
  @IsOptional()
  @IsIn(HOSPITAL_GRADES)
  grade?: HospitalGrade | null;

  @ApiPropertyOptional({ nullable: true, type: Boolean })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Move to another region' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Matches(CREDIT_CODE_PATTERN, { message: CREDIT_MESSAGE })
  creditCode?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100)
  contactName?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  contactPhone?: string | null;

  @ApiPropertyOptional({
    enum: ORG_STATUSES,
    description: 'inactive: its users can no longer log in',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(ORG_STATUSES)
  status?: OrgStatus;
}

export class OrganisationView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ORG_TYPES }) type!: OrgType;
  @ApiProperty({ enum: HOSPITAL_KINDS, nullable: true }) hospitalKind!: HospitalKind | null;
  @ApiProperty({ enum: HOSPITAL_GRADES, nullable: true }) grade!: HospitalGrade | null;
  @ApiProperty({ nullable: true, type: Boolean }) isPublic!: boolean | null;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) creditCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactName!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactPhone!: string | null;
  @ApiProperty({ enum: ORG_STATUSES }) status!: OrgStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(o: Organisation): OrganisationView {
    return {
      id: o.id,
      code: o.code,
      name: o.name,
      type: o.type,
      hospitalKind: o.hospitalKind,
      grade: o.grade,
      isPublic: o.isPublic === null ? null : Boolean(o.isPublic),
      regionCode: o.regionCode,
      creditCode: o.creditCode,
      contactName: o.contactName,
      contactPhone: o.contactPhone,
      status: o.status,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
    };
  }
}

export class OrganisationPage extends PageOf(OrganisationView) {}

export function organisationRef(o: Organisation): OrganisationRef {
  return { id: o.id, code: o.code, name: o.name, type: o.type, regionCode: o.regionCode };
}
