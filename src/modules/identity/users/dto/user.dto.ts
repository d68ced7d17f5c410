import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { Role, ROLES } from '../../../../common/auth/roles';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { OrganisationRef } from '../../auth/dto/auth.dto';
import { USERNAME_PATTERN } from '../../domain/user-rules';
import { organisationRef } from '../../organisations/dto/organisation.dto';
import type { Organisation } from '../../organisations/organisation.entity';
import { trimmed } from '../../text';
import { User, USER_STATUSES, UserStatus } from '../user.entity';

const ID = /^\d{1,19}$/;
export const USER_SORTS = ['username', 'displayName', 'createdAt'] as const;

export class UserQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'organisationId must be a numeric id' })
  organisationId?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;

  @ApiPropertyOptional({ description: 'Username or display name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: USER_SORTS, default: 'username' })
  @IsOptional()
  @IsIn(USER_SORTS)
  sort: (typeof USER_SORTS)[number] = 'username';
}

export class CreateUserRequest {
  @ApiProperty({ example: 'zhang.wei', description: '3-64 of a-z, 0-9, "_", "." and "-"' })
  @Matches(USERNAME_PATTERN, {
    message: 'username must be 3-64 lower-case letters, digits, "_", "." or "-"',
  })
  username!: string;

  @ApiProperty({ example: '张伟' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty()
  @Matches(ID, { message: 'organisationId must be a numeric id' })
  organisationId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({
    description:
      'At least 10 characters with letters and digits; omit to have one generated and returned once',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  password?: string;
}

export class UpdateUserRequest {
  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @ValidateIf((_, v) => v !== undefined)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: OrganisationRef }) organisation!: OrganisationRef;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ enum: USER_STATUSES }) status!: UserStatus;
  @ApiProperty() passwordChangedAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(u: User, org: Organisation): UserView {
    return {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      organisation: organisationRef(org),
      roles: u.roles,
      status: u.status,
      passwordChangedAt: u.passwordChangedAt.toISOString(),
      lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
    };
  }
}

export class CreatedUserView extends UserView {
  @ApiPropertyOptional({
    description: 'Only when the password was generated: shown this once, never again',
  })
  initialPassword?: string;
}

export class PasswordResetView {
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'The new password, shown this once; older tokens stop working' })
  password!: string;
}

export class UserPage extends PageOf(UserView) {}
