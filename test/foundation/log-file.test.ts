/**
 * LOG_FILE where operators look: the current log is the configured file, rotated files sit beside it as
 * logrotate names them (etl.log.1 newest … etl.log.N oldest, older ones dropped), and lines logged just
 * before the process exits are on disk.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, LogFileError, type Logger } from '../../src/log.ts';

const LOG_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/log.ts');

/** Ends the logger's transport and waits until its worker has written and closed the file. */
async function closeLogger(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, NodeJS.WritableStream>)[pino.symbols.streamSym]!;
  const closed = once(stream, 'close');
  stream.end();
  await closed;
}

function seqs(file: string): number[] {
  const text = fs.readFileSync(file, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq);
}

describe('LOG_FILE', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-log-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the current log at the configured path and names rotated files etl.log.1 (newest) … etl.log.3, dropping older ones', async () => {
    const file = path.join(dir, 'rotated', 'etl.log');
    // Every line is ~100 bytes: a 300-byte limit rotates every few lines, so 40 lines rotate far more than 3 times.
    const logger = createLogger({ level: 'info', pretty: false, consoleLevel: 'silent', file, rotation: { size: '300B', keep: 3 } });
    for (let seq = 1; seq <= 40; seq++) logger.info({ seq }, 'a line to rotate');
    await closeLogger(logger);

    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['etl.log', 'etl.log.1', 'etl.log.2', 'etl.log.3']);
    // Oldest to newest, the files hold one unbroken run of lines ending with the last one logged.
    const kept = ['etl.log.3', 'etl.log.2', 'etl.log.1', 'etl.log'].flatMap((name) => seqs(path.join(path.dirname(file), name)));
    expect(kept.at(-1)).toBe(40);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 40 - kept.length + 1 + i));
    expect(kept[0]).toBeGreaterThan(1); // the oldest lines went with the files beyond `keep`
    for (const name of ['etl.log.1', 'etl.log.2', 'etl.log.3']) expect(seqs(path.join(path.dirname(file), name)).length).toBeGreaterThan(0);
  });

  it('writes to the configured file itself when nothing has rotated yet (the default rotation)', async () => {
    const file = path.join(dir, 'plain', 'etl.log');
    const logger = createLogger({ level: 'info', pretty: false, consoleLevel: 'silent', file });
    logger.info({ seq: 1 }, 'first line');
    await closeLogger(logger);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['etl.log']);
    expect(seqs(file)).toEqual([1]);
  });

  it('has every line on disk when the process exits right after logging', async () => {
    const file = path.join(dir, 'exit', 'etl.log');
    const script = [
      `const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});`,
      `const logger = createLogger({ level: 'info', pretty: false, consoleLevel: 'silent', file: ${JSON.stringify(file)} });`,
      `for (let seq = 1; seq <= 5000; seq++) logger.info({ seq }, 'logged just before exit');`,
      `process.exit(3);`,
    ].join('\n');
    const code = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 }, (error) => resolve(error ? (error.code as number | null) : 0));
    });
    expect(code).toBe(3);
    expect(seqs(file)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it('refuses a LOG_FILE that cannot be written with an error naming it, instead of failing inside the worker thread', () => {
    const notAFolder = path.join(dir, 'a-file');
    fs.writeFileSync(notAFolder, '');
    const file = path.join(notAFolder, 'etl.log');
    expect(() => createLogger({ pretty: false, file })).toThrow(LogFileError);
    expect(() => createLogger({ pretty: false, file })).toThrow(`LOG_FILE ${file} cannot be written`);
  });
});
