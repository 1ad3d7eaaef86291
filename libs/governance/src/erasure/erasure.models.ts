import { BoolField, IntField, ObjectListField, TextField, TextListField } from '../views';

export class ScrubReportModel {
  @TextField({ description: 'the copy a scrubber looked after, e.g. evidence, exports' })
  copy!: string;
  @IntField({ description: 'files or rows deleted or rewritten' }) removed!: number;
}

export class CompactedStoreModel {
  @TextField({ description: 'a SQLite file under DATA_DIR (its name only)' }) file!: string;
  @BoolField({ description: 'false when a reader held the WAL; sending the erasure again retries' })
  walTruncated!: boolean;
}

/** What an erasure did: never the email, only the stable id that now stands for the person. */
export class ErasureModel {
  @TextField({ description: 'keyed hash of the normalised email' }) personId!: string;
  @TextField({ description: 'how the person is shown from now on' }) shownAs!: string;
  @BoolField({ description: 'whether anything of this person was known (a key or a stream)' })
  known!: boolean;
  @BoolField({ description: 'false when an earlier erasure had already recorded the tombstone' })
  tombstoneRecorded!: boolean;
  @TextListField({
    description: 'every person id whose key is destroyed (the email and its aliases)',
  })
  personIds!: string[];
  @IntField({ description: 'keys that existed and were destroyed now' }) keysDestroyed!: number;
  @ObjectListField(() => ScrubReportModel) scrubbed!: ScrubReportModel[];
  @TextListField({ description: 'the projections rebuilt so that they show erased-<personId>' })
  projectionsRebuilt!: string[];
  @ObjectListField(() => CompactedStoreModel) stores!: CompactedStoreModel[];
}
