import type { MigrationInterface, QueryRunner } from 'typeorm';

// Reference data (docs/domain-model.md#reference-data): the plans and the baseline industries, sectors and
// seed keywords. Idempotent: every row is upserted by its natural key.

type PlanRow = [
  slug: string,
  name: string,
  price: string,
  includedCredits: number,
  maxSites: number | null,
  maxUsers: number | null,
  maxKeywords: number | null,
  maxAhrefsQueries: number | null,
  isInternal: boolean,
  sortOrder: number,
];

const PLANS: PlanRow[] = [
  ['free-trial', 'Free Trial', '0.00', 2000, 1, 1, 500, 50, false, 0],
  ['starter', 'Starter', '89.00', 1000, 2, 2, 500, 50, false, 1],
  ['growth', 'Growth', '139.00', 2000, 5, 3, 2000, 50, false, 2],
  ['scale', 'Scale', '229.00', 5000, 99, 5, 5000, 50, false, 3],
  ['internal', 'Internal', '0.00', 0, null, null, null, null, true, 100],
];

/** `keyword (volume / difficulty / intent)`. */
type Seed = [keyword: string, volume: number, difficulty: number, intent: string];

interface SectorData {
  slug: string;
  name: string;
  seeds: Seed[];
}

interface IndustryData {
  slug: string;
  name: string;
  sectors: SectorData[];
}

const INDUSTRIES: IndustryData[] = [
  {
    slug: 'technology',
    name: 'Technology',
    sectors: [
      {
        slug: 'software-development',
        name: 'Software Development',
        seeds: [
          ['best project management software', 9900, 62, 'commercial'],
          ['how to learn python', 14800, 48, 'informational'],
          ['agile vs waterfall', 6600, 35, 'informational'],
          ['code review best practices', 2900, 30, 'informational'],
          ['buy jetbrains license', 880, 20, 'transactional'],
          ['github login', 165000, 25, 'navigational'],
        ],
      },
      {
        slug: 'cloud-computing',
        name: 'Cloud Computing',
        seeds: [
          ['what is cloud computing', 40500, 55, 'informational'],
          ['aws vs azure', 12100, 50, 'commercial'],
          ['cloud storage pricing', 4400, 42, 'commercial'],
          ['serverless architecture', 8100, 45, 'informational'],
          ['buy cloud server', 1300, 38, 'transactional'],
          ['aws console login', 90500, 30, 'navigational'],
        ],
      },
      {
        slug: 'cybersecurity',
        name: 'Cybersecurity',
        seeds: [
          ['best antivirus software', 33100, 70, 'commercial'],
          ['how to create a strong password', 9900, 32, 'informational'],
          ['what is phishing', 27100, 40, 'informational'],
          ['vpn for small business', 2400, 45, 'commercial'],
          ['buy firewall appliance', 590, 28, 'transactional'],
          ['norton login', 49500, 22, 'navigational'],
        ],
      },
    ],
  },
  {
    slug: 'health-wellness',
    name: 'Health & Wellness',
    sectors: [
      {
        slug: 'nutrition',
        name: 'Nutrition',
        seeds: [
          ['healthy breakfast ideas', 49500, 45, 'informational'],
          ['best protein powder', 40500, 68, 'commercial'],
          ['intermittent fasting benefits', 22200, 50, 'informational'],
          ['meal prep for beginners', 12100, 38, 'informational'],
          ['buy vitamin d supplements', 1600, 35, 'transactional'],
          ['myfitnesspal login', 18100, 20, 'navigational'],
        ],
      },
      {
        slug: 'fitness',
        name: 'Fitness',
        seeds: [
          ['home workout without equipment', 33100, 42, 'informational'],
          ['best running shoes', 74000, 72, 'commercial'],
          ['how to build muscle', 27100, 55, 'informational'],
          ['beginner gym routine', 14800, 40, 'informational'],
          ['buy adjustable dumbbells', 3600, 44, 'transactional'],
          ['planet fitness login', 40500, 25, 'navigational'],
        ],
      },
      {
        slug: 'mental-health',
        name: 'Mental Health',
        seeds: [
          ['how to reduce stress', 22200, 46, 'informational'],
          ['best meditation apps', 9900, 58, 'commercial'],
          ['signs of burnout', 18100, 41, 'informational'],
          ['breathing exercises for anxiety', 14800, 37, 'informational'],
          ['book online therapy session', 2900, 52, 'transactional'],
          ['headspace login', 8100, 18, 'navigational'],
        ],
      },
    ],
  },
  {
    slug: 'home-garden',
    name: 'Home & Garden',
    sectors: [
      {
        slug: 'gardening',
        name: 'Gardening',
        seeds: [
          ['how to start a vegetable garden', 18100, 40, 'informational'],
          ['best raised garden beds', 9900, 48, 'commercial'],
          ['when to plant tomatoes', 33100, 35, 'informational'],
          ['composting for beginners', 6600, 30, 'informational'],
          ['buy organic fertilizer', 1900, 33, 'transactional'],
          ['home depot garden center', 22200, 20, 'navigational'],
        ],
      },
      {
        slug: 'interior-design',
        name: 'Interior Design',
        seeds: [
          ['small living room ideas', 60500, 50, 'informational'],
          ['best paint colors for bedrooms', 14800, 45, 'commercial'],
          ['scandinavian interior design', 12100, 42, 'informational'],
          ['how to choose a rug size', 4400, 28, 'informational'],
          ['buy accent chairs online', 2400, 47, 'transactional'],
          ['ikea planner', 27100, 24, 'navigational'],
        ],
      },
      {
        slug: 'home-improvement',
        name: 'Home Improvement',
        seeds: [
          ['how to fix a leaky faucet', 27100, 38, 'informational'],
          ['best cordless drill', 33100, 66, 'commercial'],
          ['bathroom remodel cost', 40500, 52, 'commercial'],
          ['how to install laminate flooring', 18100, 44, 'informational'],
          ['buy smart thermostat', 2900, 50, 'transactional'],
          ['lowes login', 33100, 22, 'navigational'],
        ],
      },
    ],
  },
];

/** `($1, $2, …), ($n, …)` for rows of equal width, and the flattened parameters. */
function values(rows: unknown[][]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = rows.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`).join(', ');
  return { sql, params };
}

export class IdentityReferenceData1795682800000 implements MigrationInterface {
  name = 'IdentityReferenceData1795682800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const plans = values(PLANS);
    await queryRunner.query(
      `INSERT INTO "igny8_plans" ("slug", "name", "price", "included_credits", "max_sites", "max_users",
         "max_keywords", "max_ahrefs_queries", "is_internal", "sort_order")
       SELECT v.slug, v.name, v.price::numeric, v.included_credits::integer, v.max_sites::integer,
         v.max_users::integer, v.max_keywords::integer, v.max_ahrefs_queries::integer, v.is_internal::boolean,
         v.sort_order::integer
       FROM (VALUES ${plans.sql}) AS v(slug, name, price, included_credits, max_sites, max_users, max_keywords,
         max_ahrefs_queries, is_internal, sort_order)
       ON CONFLICT ("slug") DO UPDATE SET
         "name" = EXCLUDED."name", "price" = EXCLUDED."price", "currency" = 'USD', "billing_cycle" = 'monthly',
         "included_credits" = EXCLUDED."included_credits", "max_sites" = EXCLUDED."max_sites",
         "max_users" = EXCLUDED."max_users", "max_keywords" = EXCLUDED."max_keywords",
         "max_ahrefs_queries" = EXCLUDED."max_ahrefs_queries", "is_internal" = EXCLUDED."is_internal",
         "is_active" = true, "sort_order" = EXCLUDED."sort_order", "updated_at" = now()`,
      plans.params,
    );

    const industries = values(INDUSTRIES.map((industry, index) => [industry.slug, industry.name, index]));
    await queryRunner.query(
      `INSERT INTO "igny8_industries" ("slug", "name", "sort_order")
       SELECT v.slug, v.name, v.sort_order::integer FROM (VALUES ${industries.sql}) AS v(slug, name, sort_order)
       ON CONFLICT ("slug") DO UPDATE SET "name" = EXCLUDED."name", "sort_order" = EXCLUDED."sort_order",
         "is_active" = true, "updated_at" = now()`,
      industries.params,
    );

    const sectors = values(
      INDUSTRIES.flatMap((industry) =>
        industry.sectors.map((sector, index) => [industry.slug, sector.slug, sector.name, index]),
      ),
    );
    await queryRunner.query(
      `INSERT INTO "igny8_industry_sectors" ("industry_id", "slug", "name", "sort_order")
       SELECT i.id, v.slug, v.name, v.sort_order::integer
       FROM (VALUES ${sectors.sql}) AS v(industry_slug, slug, name, sort_order)
       JOIN "igny8_industries" i ON i.slug = v.industry_slug
       ON CONFLICT ("industry_id", "slug") DO UPDATE SET "name" = EXCLUDED."name",
         "sort_order" = EXCLUDED."sort_order", "is_active" = true, "updated_at" = now()`,
      sectors.params,
    );

    const seeds = values(
      INDUSTRIES.flatMap((industry) =>
        industry.sectors.flatMap((sector) =>
          sector.seeds.map((seed) => [industry.slug, sector.slug, ...seed]),
        ),
      ),
    );
    await queryRunner.query(
      `INSERT INTO "igny8_seed_keywords" ("industry_id", "sector_id", "keyword", "volume", "difficulty", "intent",
         "country", "is_active")
       SELECT i.id, s.id, v.keyword, v.volume::integer, v.difficulty::smallint, v.intent, 'US', true
       FROM (VALUES ${seeds.sql}) AS v(industry_slug, sector_slug, keyword, volume, difficulty, intent)
       JOIN "igny8_industries" i ON i.slug = v.industry_slug
       JOIN "igny8_industry_sectors" s ON s.industry_id = i.id AND s.slug = v.sector_slug
       ON CONFLICT (lower("keyword"), "sector_id", "country") DO UPDATE SET "volume" = EXCLUDED."volume",
         "difficulty" = EXCLUDED."difficulty", "intent" = EXCLUDED."intent", "is_active" = true,
         "updated_at" = now()`,
      seeds.params,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const industrySlugs = INDUSTRIES.map((industry) => industry.slug);
    const keywords = INDUSTRIES.flatMap((industry) =>
      industry.sectors.flatMap((sector) => sector.seeds.map(([keyword]) => keyword)),
    );
    await queryRunner.query(
      `DELETE FROM "igny8_seed_keywords" k USING "igny8_industries" i
       WHERE k.industry_id = i.id AND i.slug = ANY($1) AND k.keyword = ANY($2) AND k.country = 'US'`,
      [industrySlugs, keywords],
    );
    await queryRunner.query(
      `DELETE FROM "igny8_industry_sectors" s USING "igny8_industries" i
       WHERE s.industry_id = i.id AND i.slug = ANY($1) AND s.slug = ANY($2)`,
      [industrySlugs, INDUSTRIES.flatMap((industry) => industry.sectors.map((sector) => sector.slug))],
    );
    await queryRunner.query(
      `DELETE FROM "igny8_industries" i WHERE i.slug = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM "igny8_industry_sectors" s WHERE s.industry_id = i.id)`,
      [industrySlugs],
    );
    await queryRunner.query(`DELETE FROM "igny8_plans" WHERE "slug" = ANY($1)`, [
      PLANS.map(([slug]) => slug),
    ]);
  }
}
