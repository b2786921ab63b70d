/**
 * Live keywords per sector, shown on every sector. The planner owns keywords and answers; the
 * application module wires its answer in, so sites does not import the planner.
 */
export abstract class SectorKeywordCounts {
  /** Keywords the caller may see, per sector id; a sector without any is absent. */
  abstract count(sectorIds: number[]): Promise<Map<number, number>>;
}
