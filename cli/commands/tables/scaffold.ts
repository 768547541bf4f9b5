import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.ts';
import { scaffoldDeclaration, ScaffoldError } from '../../../src/declared/scaffold.ts';
import { odooClientFromSettings } from '../../../src/sync/context.ts';
import { OdooUnknownModelError } from '../../../src/odoo/errors.ts';

export default class TablesScaffold extends BaseCommand<typeof TablesScaffold> {
  static override summary = 'Print a declaration of your own table for an Odoo model, to start from';
  static override description =
    "Asks the configured Odoo for the model's fields (fields_get) and prints a declaration (YAML) for " +
    'odoo-etl.tables.yaml: every stored, non-binary field with its column type, many2one fields as references to the ' +
    'table that already mirrors their model, one2many fields left out with a comment. Review it, keep what you need, ' +
    'then run `odoo-etl migrate`.';
  static override examples = [
    '<%= config.bin %> tables scaffold stock.picking',
    '<%= config.bin %> tables scaffold x_delivery_slot --table x_delivery_slots --fields x_name,x_studio_partner_id >> odoo-etl.tables.yaml',
  ];
  static override args = {
    model: Args.string({ description: 'the Odoo model, e.g. stock.picking or x_delivery_slot', required: true }),
  };
  static override flags = {
    table: Flags.string({ description: 'the table name (default: x_ and the model with _ for .)' }),
    fields: Flags.string({ description: 'only these fields, comma-separated' }),
  };
  protected override requires = ['odoo' as const];

  async run(): Promise<void> {
    const model = this.args.model as string;
    const odoo = odooClientFromSettings(this.settings, this.logger);
    this.onClose(async () => odoo.close());
    let fields: Record<string, unknown>;
    try {
      fields = await odoo.fieldsGet(model);
    } catch (error) {
      if (error instanceof OdooUnknownModelError) this.error(`Odoo has no model ${model} (is its module installed?)`, { exit: 1 });
      throw error;
    }
    try {
      const only = this.flags.fields?.split(',').map((f) => f.trim()).filter((f) => f !== '');
      process.stdout.write(scaffoldDeclaration(model, fields, { table: this.flags.table, fields: only }));
    } catch (error) {
      if (error instanceof ScaffoldError) this.error(error.message, { exit: 2 });
      throw error;
    }
  }
}
