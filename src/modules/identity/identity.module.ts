import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorResolver } from '../../common/auth/actor-resolver';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { Alliance, AllianceMember } from './alliances/alliance.entity';
import { ApiKey } from './api-keys/api-key.entity';
import { IdentityActorResolver } from './auth/actor-resolver.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { OrganisationDirectory } from './organisations/organisation-directory.service';
import { Organisation } from './organisations/organisation.entity';
import { Region } from './regions/region.entity';
import { User } from './users/user.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([Region, Organisation, Alliance, AllianceMember, User, ApiKey]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    IdentityActorResolver,
    OrganisationDirectory,
    { provide: ActorResolver, useExisting: IdentityActorResolver },
  ],
  exports: [ActorResolver, IdentityActorResolver, OrganisationDirectory],
})
export class IdentityModule {}
