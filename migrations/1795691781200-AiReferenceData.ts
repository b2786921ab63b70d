import type { MigrationInterface, QueryRunner } from 'typeorm';

// Reference data: the AI models, the credit cost configuration and the singletons (the
// billing, AI and integration singletons, one global prompt per prompt type, the integration
// provider rows). Idempotent: rows are upserted by their natural key; an existing row keeps what
// a developer changed (only missing rows are inserted).

type ModelRow = [
  name: string,
  display: string,
  type: 'text' | 'image',
  provider: string,
  tier: string | null,
  creditsPerImage: number | null,
  active: boolean,
  isDefault: boolean,
  inputCost: string | null,
  outputCost: string | null,
  costPerImage: string | null,
  landscape: string | null,
  square: string | null,
];

const TEXT_MODELS: ModelRow[] = [
  [
    'gpt-4o-mini',
    'GPT-4o mini',
    'text',
    'openai',
    null,
    null,
    true,
    true,
    '0.150000',
    '0.600000',
    null,
    null,
    null,
  ],
  ['gpt-4o', 'GPT-4o', 'text', 'openai', null, null, true, false, '2.500000', '10.000000', null, null, null],
  ['gpt-4.1', 'GPT-4.1', 'text', 'openai', null, null, true, false, '2.000000', '8.000000', null, null, null],
  [
    'gpt-5.1',
    'GPT-5.1',
    'text',
    'openai',
    null,
    null,
    true,
    false,
    '1.250000',
    '10.000000',
    null,
    null,
    null,
  ],
  [
    'gpt-5.2',
    'GPT-5.2',
    'text',
    'openai',
    null,
    null,
    true,
    false,
    '1.750000',
    '14.000000',
    null,
    null,
    null,
  ],
];

const IMAGE_MODELS: ModelRow[] = [
  [
    'gpt-image-1',
    'GPT Image 1',
    'image',
    'openai',
    'quality',
    2,
    true,
    true,
    null,
    null,
    '0.0400',
    '1536x1024',
    '1024x1024',
  ],
  [
    'dall-e-3',
    'DALL·E 3',
    'image',
    'openai',
    'quality',
    2,
    true,
    false,
    null,
    null,
    '0.0400',
    '1792x1024',
    '1024x1024',
  ],
  [
    'runware:97@1',
    'Hi Dream Full',
    'image',
    'runware',
    'basic',
    1,
    false,
    false,
    null,
    null,
    '0.0090',
    '1280x768',
    '1024x1024',
  ],
  [
    'bria:10@1',
    'Bria 3.2',
    'image',
    'bria',
    'quality',
    2,
    false,
    false,
    null,
    null,
    '0.0400',
    '1280x768',
    '1024x1024',
  ],
  [
    'seedream-4.5',
    'Seedream 4.5',
    'image',
    'runware',
    'quality_option2',
    2,
    false,
    false,
    null,
    null,
    '0.0300',
    '1280x768',
    '1024x1024',
  ],
  [
    'google:4@2',
    'Nano Banana',
    'image',
    'runware',
    'premium',
    4,
    false,
    false,
    null,
    null,
    '0.0390',
    '1280x768',
    '1024x1024',
  ],
];

const COSTS: [operation: string, display: string, cost: string, unit: string, min: number][] = [
  ['clustering', 'Keyword clustering', '3', 'per_request', 2],
  ['idea_generation', 'Idea generation', '2', 'per_item', 1],
  ['content_generation', 'Content generation', '0.25', 'per_100_words', 3],
  ['image_prompt_extraction', 'Image prompt extraction', '1', 'per_item', 1],
  ['image_generation', 'Image generation', '0', 'per_image', 0],
  ['linking', 'Internal linking', '1', 'per_item', 1],
  ['optimization', 'Content optimization', '2', 'per_item', 1],
];

const JSON_ONLY = 'Answer with one JSON object only, no prose and no code fences.';

const PROMPTS: [type: string, text: string, description: string][] = [
  [
    'clustering',
    `You are an SEO strategist. Group the keywords below into topic clusters that one article or page could target. Each cluster holds 3 to 10 closely related keywords; use every keyword at most once, written exactly as given. Give each cluster a short name and a one-sentence description.\n${JSON_ONLY} Shape: {"clusters": [{"name": "...", "description": "...", "keywords": ["..."]}]}\n\nKeywords:\n[IGNY8_KEYWORDS]`,
    'Groups keywords into clusters (auto_cluster).',
  ],
  [
    'ideas',
    `You are a content strategist. Write [IGNY8_IDEA_COUNT] distinct content ideas for the keyword cluster "[IGNY8_CLUSTER_NAME]" ([IGNY8_CLUSTER_DESCRIPTION]). Together the ideas cover every keyword of the cluster; list in covered_keywords the keywords (exactly as given) each idea targets. content_type is one of post, page, product, taxonomy; content_structure one of article, guide, comparison, review, listicle, landing_page, business_page, service_page, general, cluster_hub, product_page, category_archive, tag_archive, attribute_archive. The outline is a list of sections with their key points.\n${JSON_ONLY} Shape: {"ideas": [{"title": "...", "description": "...", "content_type": "post", "content_structure": "article", "estimated_word_count": 1200, "covered_keywords": ["..."], "outline": [{"heading": "...", "points": ["..."]}]}]}\n\nKeywords:\n[IGNY8_KEYWORDS]`,
    'Content ideas for a cluster (generate_ideas).',
  ],
  [
    'content_generation',
    `You are an expert SEO writer. Write a [IGNY8_CONTENT_TYPE] ([IGNY8_CONTENT_STRUCTURE]) titled "[IGNY8_TITLE]" of about [IGNY8_WORD_COUNT] words. Primary keyword: [IGNY8_PRIMARY_KEYWORD]. Secondary keywords: [IGNY8_SECONDARY_KEYWORDS]. Brief: [IGNY8_DESCRIPTION]\nOutline:\n[IGNY8_OUTLINE]\n[IGNY8_AUTHOR]\ncontent_html is clean HTML using <h2>/<h3> sections, <p> paragraphs and at least one list; no <h1>, no scripts. meta_title at most 60 characters, meta_description at most 160.\n${JSON_ONLY} Shape: {"title": "...", "content_html": "...", "meta_title": "...", "meta_description": "...", "primary_keyword": "...", "secondary_keywords": ["..."]}`,
    'Article HTML for a writer task (generate_content).',
  ],
  [
    'image_prompt_extraction',
    `You write prompts for an image generator. For the article "[IGNY8_TITLE]" describe one featured image, and [IGNY8_IMAGE_COUNT] in-article images that illustrate these sections in order:\n[IGNY8_HEADINGS]\nDescribe scenes only (no text in the image), in a [IGNY8_STYLE] style, with a short alt text for each.\n${JSON_ONLY} Shape: {"featured": {"prompt": "...", "alt_text": "..."}, "in_article": [{"prompt": "...", "alt_text": "..."}]}`,
    'Image prompts for a content item (generate_image_prompts).',
  ],
  [
    'image_prompt_template',
    '[IGNY8_IMAGE_DESCRIPTION]. Style: [IGNY8_STYLE]. High quality, well lit, no text, no watermark.',
    'Wraps each image description before it is sent to the image model.',
  ],
  [
    'negative_prompt',
    'text, letters, watermark, logo, blurry, distorted, low quality',
    'What images must avoid.',
  ],
  [
    'optimization',
    `You are an SEO editor. Improve the article below for the primary keyword [IGNY8_PRIMARY_KEYWORD] without changing its meaning: clearer headings, better readability, a meta title of at most 60 characters and a meta description of at most 160.\n${JSON_ONLY} Shape: {"content_html": "...", "meta_title": "...", "meta_description": "..."}\n\n[IGNY8_CONTENT]`,
    'Rewrites content (optimize_content).',
  ],
  [
    'linking',
    `You add internal links. Choose anchor texts in the article below that match these pages of the same site and say where to link them:\n[IGNY8_LINK_TARGETS]\n${JSON_ONLY} Shape: {"links": [{"anchor_text": "...", "target_content_id": 1, "position": 0, "confidence": 0.9}]}\n\n[IGNY8_CONTENT]`,
    'Internal link suggestions (link_content).',
  ],
];

const PROVIDERS: [id: string, display: string, type: string][] = [
  ['openai', 'OpenAI', 'ai'],
  ['anthropic', 'Anthropic', 'ai'],
  ['runware', 'Runware', 'ai'],
  ['bria', 'Bria', 'ai'],
  ['stripe', 'Stripe', 'payment'],
  ['paypal', 'PayPal', 'payment'],
  ['resend', 'Resend', 'email'],
];

function variablesOf(text: string): string[] {
  return [...new Set(text.match(/\[IGNY8_[A-Z_]+\]/g) ?? [])];
}

export class AiReferenceData1795691781200 implements MigrationInterface {
  name = 'AiReferenceData1795691781200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, row] of [...TEXT_MODELS, ...IMAGE_MODELS].entries()) {
      const [
        name,
        display,
        type,
        provider,
        tier,
        creditsPerImage,
        active,
        isDefault,
        input,
        output,
        perImage,
        landscape,
        square,
      ] = row;
      const sizes = type === 'image' ? [...new Set([landscape, square])] : [];
      await queryRunner.query(
        `INSERT INTO "igny8_ai_models" (model_name, display_name, model_type, provider, quality_tier, credits_per_image,
           is_active, is_default, input_cost_per_1m, output_cost_per_1m, cost_per_image, landscape_size, square_size,
           valid_sizes, supports_json_mode, context_window, max_output_tokens, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (model_name) DO NOTHING`,
        [
          name,
          display,
          type,
          provider,
          tier,
          creditsPerImage,
          active,
          isDefault,
          input,
          output,
          perImage,
          landscape,
          square,
          JSON.stringify(sizes),
          type === 'text',
          type === 'text' ? 128000 : null,
          type === 'text' ? 16384 : null,
          index,
        ],
      );
    }
    for (const [operation, display, cost, unit, min] of COSTS) {
      await queryRunner.query(
        `INSERT INTO "igny8_credit_cost_configs" (operation_type, display_name, credits_cost, unit, min_credits)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (operation_type) DO NOTHING`,
        [operation, display, cost, unit, min],
      );
    }
    for (const [type, text, description] of PROMPTS) {
      await queryRunner.query(
        `INSERT INTO "igny8_global_ai_prompts" (prompt_type, prompt_value, variables, description)
         VALUES ($1, $2, $3, $4) ON CONFLICT (prompt_type) DO NOTHING`,
        [type, text, JSON.stringify(variablesOf(text)), description],
      );
    }
    for (const [id, display, type] of PROVIDERS) {
      await queryRunner.query(
        `INSERT INTO "igny8_integration_providers" (provider_id, display_name, provider_type, is_active)
         VALUES ($1, $2, $3, false) ON CONFLICT (provider_id) DO NOTHING`,
        [id, display, type],
      );
    }
    for (const table of [
      'igny8_billing_configuration',
      'igny8_system_ai_settings',
      'igny8_global_integration_settings',
    ]) {
      await queryRunner.query(`INSERT INTO "${table}" (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'igny8_billing_configuration',
      'igny8_system_ai_settings',
      'igny8_global_integration_settings',
    ]) {
      await queryRunner.query(`DELETE FROM "${table}" WHERE id = 1`);
    }
    await queryRunner.query(`DELETE FROM "igny8_integration_providers" WHERE provider_id = ANY($1)`, [
      PROVIDERS.map(([id]) => id),
    ]);
    await queryRunner.query(`DELETE FROM "igny8_global_ai_prompts" WHERE prompt_type = ANY($1)`, [
      PROMPTS.map(([type]) => type),
    ]);
    await queryRunner.query(`DELETE FROM "igny8_credit_cost_configs" WHERE operation_type = ANY($1)`, [
      COSTS.map(([operation]) => operation),
    ]);
    await queryRunner.query(`DELETE FROM "igny8_ai_models" WHERE model_name = ANY($1)`, [
      [...TEXT_MODELS, ...IMAGE_MODELS].map(([name]) => name),
    ]);
  }
}
