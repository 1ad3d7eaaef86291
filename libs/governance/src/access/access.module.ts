import { Module } from '@nestjs/common';
import { AccessService } from './access.service';
import { ApiKeyGuard, ScimTokenGuard } from './auth.guard';

@Module({
  providers: [AccessService, ApiKeyGuard, ScimTokenGuard],
  exports: [AccessService, ApiKeyGuard, ScimTokenGuard],
})
export class AccessModule {}
