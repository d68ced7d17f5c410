import { createSecretKey } from 'node:crypto';
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorResolver } from '../../common/auth/actor-resolver';
import { OrganisationScope } from '../../common/auth/organisation-scope';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { Alliance, AllianceMember } from './alliances/alliance.entity';
import { AlliancesController } from './alliances/alliances.controller';
import { AlliancesService } from './alliances/alliances.service';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { IdentityActorResolver } from './auth/actor-resolver.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { OrganisationDirectory } from './organisations/organisation-directory.service';
import { OrganisationImportKind } from './organisations/organisation-import.kind';
import { Organisation } from './organisations/organisation.entity';
import { OrganisationsController } from './organisations/organisations.controller';
import { OrganisationsService } from './organisations/organisations.service';
import { Region } from './regions/region.entity';
import { RegionTree } from './regions/region-tree.service';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { IdentityScope } from './scope/identity-scope.service';
import { User } from './users/user.entity';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/** Global: every context scopes its reads by the caller's organisation and region. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Region, Organisation, Alliance, AllianceMember, User, ApiKey]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: jsonwebtoken would otherwise try to parse the string as a
        // public key on every verification before falling back to an HMAC key.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [
    AuthController,
    RegionsController,
    OrganisationsController,
    AlliancesController,
    UsersController,
    ApiKeysController,
  ],
  providers: [
    AuthService,
    IdentityActorResolver,
    OrganisationDirectory,
    IdentityScope,
    { provide: OrganisationScope, useExisting: IdentityScope },
    RegionsService,
    RegionTree,
    OrganisationsService,
    AlliancesService,
    UsersService,
    ApiKeysService,
    { provide: ActorResolver, useExisting: IdentityActorResolver },
    OrganisationImportKind,
  ],
  exports: [
    ActorResolver,
    IdentityActorResolver,
    OrganisationDirectory,
    IdentityScope,
    OrganisationScope,
    RegionTree,
  ],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly importKinds: ImportKindRegistry,
    private readonly organisationImport: OrganisationImportKind,
  ) {}

  onModuleInit(): void {
    this.importKinds.register(this.organisationImport);
  }
}
