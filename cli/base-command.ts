/**
 * What every odoo-etl command shares: settings (environment, `.env`, flags), the logger, the target
 * database, and errors that end with a meaningful exit code and never print a secret.
 *
 * Exit codes: 0 success, 1 the work failed (an entity failed, a check failed) or an unexpected
 * error escaped (see process-guards.ts), 2 bad configuration or usage.
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { ConfigError, loadConfig, secretValues, type LoadOptions, type Settings, type SettingsInput } from '../src/config.ts';
import { createDatabasePool, guardsFromSettings, type DatabasePool, type PoolOptions } from '../src/db/pool.ts';
import { assertMigrated } from '../src/db/schema-check.ts';
import { DeclarationError, loadDeclarations } from '../src/declared/load.ts';
import { useDeclarations } from '../src/declared/to-spec.ts';
import { openTargetDatabase, type TargetDatabase } from '../src/db/target.ts';
import { describeUnreachable, isUnreachable } from '../src/db/unreachable.ts';
import type { OdooCallObserver } from '../src/odoo/index.ts';
import { createSyncContext, odooClientFromSettings, type SyncContext } from '../src/sync/context.ts';
import type { SyncObserver } from '../src/sync/observer.ts';
import { resolveEntities, UnknownEntityError } from '../src/sync/run.ts';
import { resolveHistoryTables } from '../src/history/setting.ts';
import { createLogger, LogFileError, scrubError, scrubText, type Logger } from '../src/log.ts';
import { installProcessGuards } from '../src/process-guards.ts';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    'database-url': Flags.string({
      description: 'PostgreSQL URL of the target database [env: DATABASE_URL]; without it, the embedded PostgreSQL is used',
      helpGroup: 'GLOBAL',
    }),
    'log-level': Flags.option({
      options: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      description: 'log level [env: LOG_LEVEL, default: info]',
      helpGroup: 'GLOBAL',
    })(),
    'env-file': Flags.string({ description: 'read settings from this file instead of ./.env', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: Record<string, unknown>;
  protected settings!: Settings;
  protected logger!: Logger;
  private secrets: string[] = [];
  private closers: Array<() => Promise<void>> = [];

  /** Which settings groups the command cannot do without. */
  protected requires: LoadOptions['require'] = [];

  /** A stricter console log level while the command draws on the terminal itself (LOG_FILE keeps everything). */
  protected consoleLogLevel(): string | undefined {
    return undefined;
  }

  /** Flags that map onto settings, beyond the global ones. */
  protected settingsFromFlags(): SettingsInput {
    return {};
  }

  public override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    }).catch((error: unknown) => {
      // Anything the parser refuses is a usage error (exit 2): oclif exits 1 for an argument its own parser
      // refuses (`runs cancel abc`: "Expected an integer"), 2 for flags.
      if (error instanceof Error) Object.assign(error, { oclif: { ...(error as { oclif?: object }).oclif, exit: 2 } });
      throw error;
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Record<string, unknown>;
    this.requireSettings(this.requires ?? []);
    this.secrets = secretValues(this.settings);
    try {
      this.logger = createLogger({
        level: this.settings.LOG_LEVEL,
        file: this.settings.LOG_FILE,
        secrets: this.secrets,
        consoleLevel: this.consoleLogLevel(),
      });
    } catch (error) {
      if (error instanceof LogFileError) this.error(error.message, { exit: 2 });
      throw error;
    }
    installProcessGuards({ logger: this.logger });
    this.useDeclaredTables();
    // HISTORY's names are known once the declared tables joined the registry.
    this.historyTables();
  }

  /** The tables HISTORY names, checked against this installation's tables (a wrong name: exit 2 naming it). */
  protected historyTables(): string[] {
    try {
      return resolveHistoryTables(this.settings.HISTORY);
    } catch (error) {
      if (error instanceof ConfigError) this.error(this.scrub(error.message), { exit: 2 });
      throw error;
    }
  }

  /** The user's declared tables (ODOO_ETL_TABLES) join the registry before any command looks at it; a mistake is exit 2. */
  private useDeclaredTables(): void {
    try {
      const declared = loadDeclarations(this.settings.ODOO_ETL_TABLES);
      useDeclarations(declared.tables);
    } catch (error) {
      if (error instanceof DeclarationError) this.error(error.message, { exit: 2 });
      throw error;
    }
  }

  /** Checks, now, settings groups that only some uses of the command need (exit 2 naming what is missing). */
  protected requireSettings(groups: NonNullable<LoadOptions['require']>): void {
    try {
      this.settings = loadConfig({
        envFile: this.flags['env-file'],
        require: groups,
        flags: { DATABASE_URL: this.flags['database-url'], LOG_LEVEL: this.flags['log-level'], ...this.settingsFromFlags() },
      });
    } catch (error) {
      if (error instanceof ConfigError) this.error(this.scrub(error.message), { exit: 2 });
      throw error;
    }
  }

  /** The target database with the odoo-etl schema in place, and a pool on it (closed when the command ends). */
  protected async openMigratedDatabase(poolOptions?: PoolOptions): Promise<{ target: TargetDatabase; pool: DatabasePool }> {
    const target = await this.openDatabase();
    try {
      const pool = await createDatabasePool(target.url, { guards: guardsFromSettings(this.settings), ...poolOptions });
      this.onClose(() => pool.end());
      await assertMigrated(pool);
      return { target, pool };
    } catch (error) {
      // Exit 1 (the work could not be done), naming the database and what to check, never the password.
      if (isUnreachable(error)) this.error(this.scrub(describeUnreachable(error, target.description)), { exit: 1 });
      throw error;
    }
  }

  /** What sync steps need: the Odoo client of the settings (closed when the command ends) around `pool`; observers for metrics. */
  protected syncContext(pool: DatabasePool, observers: { odoo?: OdooCallObserver; sync?: SyncObserver } = {}): SyncContext {
    const odoo = odooClientFromSettings(this.settings, this.logger, observers.odoo);
    this.onClose(async () => odoo.close());
    return createSyncContext({ pool, odoo, settings: this.settings, logger: this.logger, observer: observers.sync });
  }

  /** `--entity` values checked against the registry; an unknown one is a usage error (exit 2) listing the valid ones. */
  protected entitiesFromFlags(names: string[] | undefined): string[] {
    try {
      return resolveEntities(names);
    } catch (error) {
      if (error instanceof UnknownEntityError) this.error(error.message, { exit: 2 });
      throw error;
    }
  }

  protected async openDatabase(): Promise<TargetDatabase> {
    const target = await openTargetDatabase(this.settings, this.logger);
    this.closers.push(() => target.close());
    return target;
  }

  /** Registers cleanup that runs when the command ends, however it ends. */
  protected onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // The stack too: oclif prints it with DEBUG=*, and it still holds the message as it was when thrown.
    scrubError(error, this.secrets);
    if (error instanceof ConfigError) return super.catch(Object.assign(error, { oclif: { exit: 2 } }));
    return super.catch(error);
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    for (const close of this.closers.reverse()) {
      try {
        await close();
      } catch (closeError) {
        this.logger?.warn({ err: closeError }, 'cleanup failed');
      }
    }
    this.logger?.flush?.();
    return super.finally(error);
  }

  /** Removes any secret value from a text before it is shown. */
  protected scrub(text: string): string {
    return scrubText(text, this.secrets);
  }
}
