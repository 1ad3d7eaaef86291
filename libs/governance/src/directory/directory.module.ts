import { Module } from '@nestjs/common';
import { AccessModule } from '../access';
import { IdentitiesController } from './identities.controller';
import { IdentityDirectory } from './identity-directory.service';
import { ScimController } from './scim.controller';
import { ScimUsersService } from './scim-users.service';

/**
 * The corporate directory: SCIM 2.0 for the IdP, `/api/identities` for the web app, and
 * `IdentityDirectory` for whoever matches members. Needs PersistenceModule and a
 * ProjectionsModule that includes `directoryProjections`; the app must call
 * `configureScimHttp(app)` so that `application/scim+json` bodies are parsed.
 */
@Module({
  imports: [AccessModule],
  controllers: [ScimController, IdentitiesController],
  providers: [IdentityDirectory, ScimUsersService],
  exports: [IdentityDirectory],
})
export class DirectoryModule {}
