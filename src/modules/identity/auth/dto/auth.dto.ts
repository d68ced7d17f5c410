import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'correct-horse-9' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;
}

export class ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ description: 'At least 10 characters with letters and digits' })
  @IsString()
  @MaxLength(128)
  newPassword!: string;
}

export class OrganisationRef {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['authority', 'hospital', 'manufacturer', 'distributor'] }) type!: string;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
}

export class MeView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['user', 'api_key'] }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: OrganisationRef }) organisation!: OrganisationRef;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Region subtree an authority user sees (null: the whole platform or not an authority)',
  })
  scopeRegionCode!: string | null;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ type: MeView }) user!: MeView;
}
