/** Contracts every layer shares: run-dir schema and reader, typed errors, output-path check, lock. */
export {
  OutputPathError,
  RunDirError,
  type RunDirErrorCode,
  RunDirLockedError,
  SuiteMismatchError,
  UsageError,
} from './errors.ts';
export { acquireRunDirLock, LOCK_FILE, type LockHolder, liveLockHolder, type RunDirLock } from './lock.ts';
export { checkOutputFile, ensureSubdir, type OutDirOptions, prepareOutDir } from './out-path.ts';
export {
  checkValue,
  dedupeRows,
  readJobOutputsChecked,
  readJsonFile,
  readJsonlFile,
  readManifest,
  readRunDirChecked,
  readTextFile,
  readUnitsChecked,
} from './run-dir-read.ts';
export {
  ExampleRowSchema,
  isValidJobKey,
  JOB_KEY_PATTERN,
  JobOutputSchema,
  JobRecordSchema,
  jobFileName,
  ManifestJobSchema,
  ManifestSchema,
  ResultRowSchema,
  SCHEMA_VERSION,
  UnitRowSchema,
} from './run-dir-schema.ts';
