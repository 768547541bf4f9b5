/**
 * Reads a declaration file (YAML, or JSON, which is YAML too) and checks it, so that every mistake is
 * reported with the file, the line, the table and the key: `odoo-etl.tables.yaml:12: table x_slots,
 * columns.partner_id.references: unknown table dim_partners …`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { declarationFileSchema, type DeclarationFile, type DeclaredTable } from './schema.ts';
import { semanticProblems } from './validate.ts';

export const DEFAULT_DECLARATION_FILE = 'odoo-etl.tables.yaml';

export interface DeclarationProblem {
  line: number | undefined;
  /** The table's name (or its position when it has none). */
  table: string | undefined;
  /** The key, dotted from the table: `columns.partner_id.references`. */
  key: string;
  message: string;
}

export class DeclarationError extends Error {
  override name = 'DeclarationError';
  constructor(
    readonly file: string,
    readonly problems: DeclarationProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
  }
}

function formatProblem(file: string, p: DeclarationProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}`;
  const table = p.table ? ` table ${p.table},` : '';
  return `${where}:${table} ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

export interface Declarations {
  file: string;
  tables: DeclaredTable[];
}

/**
 * The declarations of `file` (relative to `cwd`). A missing file is no declaration when it is the default
 * one (nothing declared) and an error when it was named (ODOO_ETL_TABLES).
 */
export function loadDeclarations(file: string | undefined, cwd = process.cwd()): Declarations {
  const named = file !== undefined && file !== '';
  const shown = named ? file : DEFAULT_DECLARATION_FILE;
  const full = path.resolve(cwd, shown);
  if (!fs.existsSync(full)) {
    if (named) throw new DeclarationError(shown, [{ line: undefined, table: undefined, key: '', message: 'no such file (ODOO_ETL_TABLES names it)' }]);
    return { file: shown, tables: [] };
  }
  return { file: shown, tables: parseDeclarations(fs.readFileSync(full, 'utf8'), shown).tables };
}

/** Parses and checks a declaration's text; `file` is only for the messages. */
export function parseDeclarations(text: string, file: string): DeclarationFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new DeclarationError(file, doc.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, table: undefined, key: '', message: `not valid YAML/JSON: ${e.message.split('\n')[0]}` })));
  }
  const raw = doc.toJS() ?? {};
  const parsed = declarationFileSchema.safeParse(raw);
  const problem = (issuePath: Array<string | number>, message: string): DeclarationProblem => locate(doc, lines, raw, issuePath, message);
  if (!parsed.success) {
    // An unknown key is shown on its own line, as the key it is.
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => problem([...issue.path, key], 'unknown key')) : [problem(issue.path, issue.message)],
    );
    throw new DeclarationError(file, problems);
  }
  const semantic = semanticProblems(parsed.data);
  if (semantic.length > 0) throw new DeclarationError(file, semantic.map((p) => problem(p.path, p.message)));
  return parsed.data;
}

/** The line of the deepest node of `issuePath` present in the document, the table's name and the key. */
function locate(doc: Document, lines: LineCounter, raw: unknown, issuePath: Array<string | number>, message: string): DeclarationProblem {
  let line: number | undefined;
  for (let n = issuePath.length; n >= 0 && line === undefined; n--) {
    const node = doc.getIn(issuePath.slice(0, n), true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
    else if (n > 0) {
      // A key whose value is null or absent: the pair's key node still has a position.
      const parent = doc.getIn(issuePath.slice(0, n - 1), true) as { items?: Array<{ key?: unknown }> } | undefined;
      const pair = parent?.items?.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === issuePath[n - 1]);
      if (pair && isNode(pair.key) && pair.key.range) line = lines.linePos(pair.key.range[0]).line;
    }
  }
  let table: string | undefined;
  let key = issuePath.join('.');
  if (issuePath[0] === 'tables' && typeof issuePath[1] === 'number') {
    const entry = (raw as { tables?: unknown[] }).tables?.[issuePath[1]] as { name?: unknown } | undefined;
    table = typeof entry?.name === 'string' ? entry.name : `#${issuePath[1] + 1}`;
    key = issuePath.slice(2).join('.');
  }
  return { line, table, key, message };
}
