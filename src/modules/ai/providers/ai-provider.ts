/**
 * The port every AI provider adapter implements (docs/domain-model.md#ai-engine). A provider answers the
 * prompt a function built; the offline provider answers it from the structured input the prompt was built
 * from (it does real, deterministic work and makes no network call), a real provider from the prompt text.
 * Both return the JSON the function's prompt asks for, so one parser serves both.
 */

export type ProviderName = 'openai' | 'offline';

/** Functions that make one text call per item. */
export type TextFunction =
  | 'auto_cluster'
  | 'generate_ideas'
  | 'generate_content'
  | 'generate_image_prompts'
  | 'optimize_content'
  | 'link_content';

/** How the linker chooses anchor texts (docs/linker.md). */
export type AnchorStrategy = 'exact_match' | 'partial_match' | 'semantic';

/** A page the linker may link to: another approved or published content item of the same site. */
export interface LinkTarget {
  id: number;
  title: string;
  primary_keyword: string;
  secondary_keywords: string[];
  /** It shares the cluster of the content being linked. */
  same_cluster: boolean;
  url: string | null;
}

/** The structured input of each text function, as given to the prompt builder. */
export interface TextInputs {
  /** One chunk of at most 20 keywords of one sector. */
  auto_cluster: { keywords: { id: number; keyword: string }[] };
  /** One cluster and its keywords; `count` ideas are wanted. */
  generate_ideas: {
    cluster: { id: number; name: string; description: string };
    keywords: string[];
    count: number;
  };
  /** One writer task. */
  generate_content: {
    title: string;
    description: string;
    primary_keyword: string;
    secondary_keywords: string[];
    word_count: number;
    content_type: string;
    content_structure: string;
    outline: { heading: string; points: string[] }[];
  };
  /** One content item: its title and `<h2>` headings in document order. */
  generate_image_prompts: {
    title: string;
    headings: string[];
    /** How many in-article prompts are wanted. */
    max_images: number;
    style: string;
  };
  /** One content item to improve for its primary keyword. */
  optimize_content: {
    title: string;
    primary_keyword: string;
    secondary_keywords: string[];
    content_html: string;
    meta_title: string;
    meta_description: string;
  };
  /** One content item and the pages it may link to. */
  link_content: {
    content_html: string;
    targets: LinkTarget[];
    anchor_strategy: AnchorStrategy;
    max_links: number;
  };
}

/** The JSON each text function's prompt asks the model to answer with. */
export interface TextOutputs {
  auto_cluster: { clusters: { name: string; description: string; keywords: string[] }[] };
  generate_ideas: {
    ideas: {
      title: string;
      description: string;
      content_type: string;
      content_structure: string;
      estimated_word_count: number;
      covered_keywords: string[];
      outline: { heading: string; points: string[] }[];
    }[];
  };
  generate_content: {
    title: string;
    content_html: string;
    meta_title: string;
    meta_description: string;
    primary_keyword: string;
    secondary_keywords: string[];
  };
  generate_image_prompts: {
    featured: { prompt: string; alt_text: string };
    in_article: { prompt: string; alt_text: string }[];
  };
  optimize_content: { content_html: string; meta_title: string; meta_description: string };
  /** `position`: offset of the anchor in the text outside links and headings (docs/linker.md). */
  link_content: {
    links: { anchor_text: string; target_content_id: number; position: number; confidence: number }[];
  };
}

export interface TextRequest<F extends TextFunction = TextFunction> {
  function: F;
  input: TextInputs[F];
  /** The resolved prompt with its variables substituted. */
  prompt: string;
  /** Provider model id (`gpt-4o-mini`). */
  model: string;
  jsonMode: boolean;
  temperature: number;
  maxTokens: number;
}

export interface TextResponse {
  /** The raw text the model answered (JSON for every function above). */
  text: string;
  tokensInput: number;
  tokensOutput: number;
}

export interface ImageRequest {
  prompt: string;
  negativePrompt: string;
  /** Provider model id (`gpt-image-1`). */
  model: string;
  /** `WIDTHxHEIGHT`. */
  size: string;
  style: string;
}

export interface ImageResponse {
  /** The encoded image as returned (PNG, JPEG or WebP); the engine stores it as WebP. */
  data: Buffer;
}

export interface AiProvider {
  readonly name: ProviderName;
  complete(request: TextRequest, signal: AbortSignal): Promise<TextResponse>;
  generateImage(request: ImageRequest, signal: AbortSignal): Promise<ImageResponse>;
}

/** Error codes an item can fail with because of its provider call. */
export type ProviderErrorCode = 'provider_error' | 'timeout' | 'parse_error';

/** A provider call that failed for good (after its retries): the item fails, nothing is charged. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: ProviderErrorCode,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
