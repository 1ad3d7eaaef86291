import { Controller, Get, Param, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import { ApiErrors, ApiKeyAuth, EvidenceListModel } from '../views';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { RequiresRole } from '../access/roles';
import { TaskEvidence } from './task-evidence.service';

interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * What a failed task kept (screenshots of Business Manager, traces): operators and admins
 * only, since a screenshot shows whatever Pinterest showed the automation account.
 */
@ApiTags('automation tasks')
@ApiKeyAuth()
@Controller('api/automation-tasks')
@UseGuards(ApiKeyGuard)
export class TaskEvidenceController {
  constructor(private readonly evidence: TaskEvidence) {}

  @Get(':id/evidence')
  @RequiresRole('operator')
  @ApiOkResponse({ type: EvidenceListModel, description: "the task's evidence files that exist" })
  @ApiErrors(400, 404)
  list(@CurrentCaller() caller: Caller, @Param('id', uuidParam) id: string) {
    return this.evidence.list(caller, id);
  }

  @Get(':id/evidence/:name')
  @RequiresRole('operator')
  @ApiProduces('image/png', 'application/zip', 'text/html')
  @ApiOkResponse({
    description: 'the file, by a name from the task’s own evidence list',
    content: {
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'application/zip': { schema: { type: 'string', format: 'binary' } },
      'text/html': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiErrors(400, 404)
  async file(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<StreamableFile> {
    const { contentType, bytes } = await this.evidence.read(caller, id, name);
    res.setHeader('Content-Type', contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // A kept page is Pinterest's HTML: never run it in our origin, even if opened directly.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:");
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    return new StreamableFile(bytes);
  }
}
