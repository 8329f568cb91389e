/**
 * Version 2 of the shop, as edits to version 1: `priceCart` now looks up a tax rate per cart line
 * in the database (slower), and `reserveStock` routes each line to a warehouse table that forgot
 * the UK (throws for UK products). Everything else is unchanged.
 */
export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export const V2_EDITS: readonly Edit[] = [
  {
    file: 'src/pricing.js',
    find: '  const lines = cart.items.map((item) => ({ ...item, cents: item.priceCents * item.quantity }));\n',
    replace: [
      '  // VAT per product, from the tax table.',
      '  const lines = [];',
      '  for (const item of cart.items) {',
      "    const [rate] = await db.query('SELECT vat FROM tax_rates WHERE sku = $1', ['taxRates', item.sku]);",
      '    lines.push({ ...item, cents: Math.round(item.priceCents * item.quantity * (1 + (rate ? rate.vat : 0.2))) });',
      '  }',
      '',
    ].join('\n'),
  },
  {
    file: 'src/stock.js',
    find: '    const level = stock.get(item.sku) ?? 0;\n',
    replace: [
      '    // Reserve in the warehouse that ships this product.',
      '    const warehouse = WAREHOUSES[item.sku.slice(0, 2)];',
      '    if (!warehouse) throw new StockError(`no warehouse ships ${item.sku}`);',
      '    const level = stock.get(item.sku) ?? 0;',
      '',
    ].join('\n'),
  },
  {
    file: 'src/stock.js',
    find: 'reserveStock = traced(reserveStock);\n',
    replace: [
      'reserveStock = traced(reserveStock);',
      '',
      "const WAREHOUSES = { EU: 'rotterdam', US: 'reno' };",
      '',
      'class StockError extends Error {',
      '  constructor(message) {',
      '    super(message);',
      "    this.name = 'StockError';",
      '    this.status = 409;',
      '  }',
      '}',
      '',
    ].join('\n'),
  },
];

/** Applies the edits to the file texts (path → text); an edit that no longer matches is a bug here. */
export function applyEdits(files: Map<string, string>, edits: readonly Edit[]): Map<string, string> {
  const out = new Map(files);
  for (const e of edits) {
    const text = out.get(e.file);
    if (text === undefined || text.split(e.find).length !== 2) {
      throw new Error(`demo: the version 2 edit of ${e.file} no longer matches exactly once in examples/shop-service; update examples/demo/deploy-v2.ts`);
    }
    out.set(e.file, text.replace(e.find, e.replace));
  }
  return out;
}
