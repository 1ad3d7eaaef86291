import { Body, Controller, Get, Param, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import { ApiErrors, ApiKeyAuth, ExportModel } from '../../views';
import type { Caller } from '../../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../../access/auth.guard';
import { CreateExportDto } from '../audit.dto';
import { EvidenceExports } from './evidence-exports.service';
import { RequiresRole } from '../../access/roles';

@ApiTags('audit')
@ApiKeyAuth()
@Controller('api/exports')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class ExportsController {
  constructor(private readonly exports: EvidenceExports) {}

  @Post()
  @ApiCreatedResponse({ type: ExportModel, description: 'computed, digested and recorded' })
  @ApiErrors(400, 404, 415)
  create(@CurrentCaller() caller: Caller, @Body() body: CreateExportDto) {
    return this.exports.create(caller, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: ExportModel })
  @ApiErrors(400, 404)
  get(@CurrentCaller() caller: Caller, @Param('id', uuidParam) id: string) {
    return this.exports.get(caller, id);
  }

  @Get(':id/content')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    description: 'the bytes, with `ETag` = the sha256; the media type follows `format`',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
    headers: { ETag: { description: 'the sha256, quoted', schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404, 410)
  async content(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
  ): Promise<StreamableFile> {
    const { meta, bytes } = await this.exports.content(caller, id);
    res.setHeader('ETag', `"${meta.sha256}"`);
    res.setHeader(
      'Content-Type',
      meta.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader('Content-Disposition', `attachment; filename="export-${meta.id}.${meta.format}"`);
    return new StreamableFile(bytes);
  }
}
