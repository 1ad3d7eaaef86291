import { Body, Controller, Get, Param, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../../access/auth.guard';
import { CreateExportDto } from '../audit.dto';
import { EvidenceExports } from './evidence-exports.service';

@Controller('api/exports')
@UseGuards(ApiKeyGuard)
export class ExportsController {
  constructor(private readonly exports: EvidenceExports) {}

  @Post()
  create(@CurrentCaller() caller: Caller, @Body() body: CreateExportDto) {
    return this.exports.create(caller, body);
  }

  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param('id', uuidParam) id: string) {
    return this.exports.get(caller, id);
  }

  @Get(':id/content')
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
