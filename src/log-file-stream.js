// The LOG_FILE target of the logger's transport: pino loads it by path in its worker thread, where Node 20
// cannot load TypeScript, hence plain JavaScript. The current log is always the configured file; rotation
// renames it as logrotate does (etl.log → etl.log.1 → etl.log.2 …, the oldest dropped beyond `keep`).
import fs from 'node:fs';
import path from 'node:path';
import { createStream } from 'rotating-file-stream';

/**
 * @param {{ file: string, size: string, interval?: string, keep: number }} options
 * @returns {import('node:stream').Writable}
 */
export default function logFileStream({ file, size, interval, keep }) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return createStream(file, { size, ...(interval ? { interval } : {}), rotate: keep });
}
