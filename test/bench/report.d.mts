/** Types of report.mjs (for report.test.ts). */
export interface Row {
  suite: string;
  case: string;
  measured: string;
  target: string;
  /** null: information only, no target. */
  ok: boolean | null;
}

export declare const TARGETS: {
  evaluate100kMs: number;
  growthOverLinear: number;
  bundleKb: number;
  coldImportMs: number;
  sizeEvaluations: number;
};

export declare function scaleRows(results: readonly Record<string, unknown>[]): { rows: Row[]; growth: Record<string, number> | undefined };
export declare function runtimeScaleRow(result: Record<string, unknown> | undefined, version: string, install: string): Row;
export declare function callsRows(results: readonly Record<string, unknown>[]): Row[];
export declare function sizeRows(results: readonly Record<string, unknown>[]): Row[];
export declare function bundleRows(result: Record<string, unknown>): Row[];
export declare function formatTable(rows: readonly Row[]): string;
