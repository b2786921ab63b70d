/**
 * The seeds a site's keywords use, for the keyword library's `added` flag. The planner owns keywords
 * and answers; the application module wires its answer in, so the catalogue does not import it.
 */
export abstract class SiteSeedUsage {
  /** Whether the caller may see the site. */
  abstract siteVisible(siteId: number): Promise<boolean>;

  /** The seeds among `seedIds` that live keywords of the site use (read through the tenant scope). */
  abstract usedSeeds(siteId: number, seedIds: number[]): Promise<Set<number>>;
}
