import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';
import { ErasureScrubbersModule } from './scrubbers.module';

@Module({
  imports: [AccessModule, ErasureScrubbersModule],
  controllers: [ErasureController],
  providers: [ErasureService],
  exports: [ErasureService],
})
export class ErasureModule {}
