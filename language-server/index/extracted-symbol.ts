import type { Language, SymbolDef } from './types';

/** What a language module hands the index for one file. */
export interface ExtractedSymbol {
  symbol: SymbolDef;
  /**
   * Other names telemetry uses for the same function, beside the qualified name: Go frames carry
   * `orders.(*OrderService).Place`, JVM frames `com.shop.Outer$Inner.run`, Go closures `Run.func1`.
   */
  aliases: string[];
}

/** Per-file facts a language module needs and cannot read from the file itself. */
export interface ExtractContext {
  file: string;
  language: Language;
  /** Python only: the dotted module path (`orders.views`), derived from `__init__.py` files. */
  pythonModule: string;
}
