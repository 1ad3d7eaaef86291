import { Module } from '@nestjs/common';
import { AccessService } from './access.service';
import { ApiKeyGuard, ScimTokenGuard } from './auth.guard';
import { MeController } from './me.controller';

@Module({
  controllers: [MeController],
  providers: [AccessService, ApiKeyGuard, ScimTokenGuard],
  exports: [AccessService, ApiKeyGuard, ScimTokenGuard],
})
export class AccessModule {}
