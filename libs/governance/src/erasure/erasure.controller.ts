import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyAuth } from '../views';
import { ApiKeyGuard, type Caller, CurrentCaller } from '../access';
import { RequiresRole } from '../access/roles';
import { ErasePersonDto } from './erasure.dto';
import { ErasureModel } from './erasure.models';
import { ErasureService } from './erasure.service';

/** Erasure of a person (GDPR art. 17): the facts stay, the person becomes `erased-<id>`. */
@ApiTags('erasure')
@ApiKeyAuth()
@Controller('api/people')
@UseGuards(ApiKeyGuard)
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  /** Idempotent: an unknown email records a tombstone with nothing personal and says so. */
  @Post('erase')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOkResponse({ type: ErasureModel })
  @ApiErrors(400, 409)
  erase(@CurrentCaller() caller: Caller, @Body() body: ErasePersonDto): Promise<ErasureModel> {
    return this.erasure.erase(caller, body);
  }
}
