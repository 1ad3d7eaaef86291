import { IntField, ObjectListField, TextField } from './fields';

/** A file an automation task kept as evidence of a failure. */
export class EvidenceFileModel {
  @TextField({ description: 'pass to GET /api/automation-tasks/:id/evidence/:name' })
  name!: string;
  @TextField({ description: 'image/png, application/zip, text/html…' }) contentType!: string;
  @IntField() bytes!: number;
}

export class EvidenceListModel {
  @ObjectListField(() => EvidenceFileModel) items!: EvidenceFileModel[];
}
