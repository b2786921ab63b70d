import { setTimeout as sleep } from 'node:timers/promises';
import type * as OpenAiSdk from 'openai';
import type { Image } from 'openai/resources/images';
import {
  type AiProvider,
  type ImageRequest,
  type ImageResponse,
  ProviderError,
  type TextRequest,
  type TextResponse,
} from './ai-provider.js';

export interface OpenAiProviderOptions {
  apiKey: string;
  /** API root including `/v1`; the SDK's default (api.openai.com) when absent. */
  baseUrl?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Waits before each retry; its length is the number of retries after the first failure. */
  retryDelaysMs: readonly number[];
}

/** The default back-off (`AI_RETRY_DELAYS_MS`): two retries, after 2 s and 8 s. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2000, 8000];

const SYSTEM_INSTRUCTION =
  'You are a content assistant. Answer with a single valid JSON object only, no prose.';

/** Why one attempt failed, and whether another attempt may succeed. */
interface AttemptFailure {
  retryable: boolean;
  code: 'timeout' | 'provider_error';
  httpStatus?: number;
  reason: string;
}

type Sdk = typeof OpenAiSdk;

/**
 * The `openai` adapter: text through chat completions, images through the images API. The SDK is
 * a large module: it is loaded on the first call, not when the app starts.
 */
export class OpenAiProvider implements AiProvider {
  readonly name = 'openai';
  private sdk?: Promise<{ sdk: Sdk; client: OpenAiSdk.OpenAI }>;

  constructor(private readonly options: OpenAiProviderOptions) {}

  private connect(): Promise<{ sdk: Sdk; client: OpenAiSdk.OpenAI }> {
    this.sdk ??= import('openai').then((sdk) => ({
      sdk,
      // The SDK must not retry on its own so that the schedule is exactly retryDelaysMs.
      client: new sdk.OpenAI({
        apiKey: this.options.apiKey,
        baseURL: this.options.baseUrl,
        timeout: this.options.timeoutMs,
        maxRetries: 0,
      }),
    }));
    return this.sdk;
  }

  async complete(request: TextRequest, signal: AbortSignal): Promise<TextResponse> {
    const { sdk, client } = await this.connect();
    const completion = await this.withRetries(sdk, 'chat completion', signal, () =>
      client.chat.completions.create(
        {
          model: request.model,
          temperature: request.temperature,
          max_completion_tokens: request.maxTokens,
          messages: [
            { role: 'system', content: SYSTEM_INSTRUCTION },
            { role: 'user', content: request.prompt },
          ],
          ...(request.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        },
        { signal },
      ),
    );
    const choice = completion.choices[0];
    const text = choice?.message.content ?? '';
    if (text === '') {
      const finishReason = choice?.finish_reason ?? 'no choice';
      throw new ProviderError(
        `OpenAI returned an empty answer (finish reason: ${finishReason})`,
        'provider_error',
      );
    }
    return {
      text,
      tokensInput: completion.usage?.prompt_tokens ?? 0,
      tokensOutput: completion.usage?.completion_tokens ?? 0,
    };
  }

  async generateImage(request: ImageRequest, signal: AbortSignal): Promise<ImageResponse> {
    // request.style is already part of the prompt (image_prompt_template): the API's own `style` differs.
    const { sdk, client } = await this.connect();
    const response = await this.withRetries(sdk, 'image generation', signal, () =>
      client.images.generate(
        {
          model: request.model,
          prompt: promptWithNegative(request.prompt, request.negativePrompt),
          size: request.size,
          n: 1,
          // dall-e answers with a URL unless asked otherwise; gpt-image models always answer b64_json.
          ...(request.model.startsWith('dall-e') ? { response_format: 'b64_json' as const } : {}),
        },
        { signal },
      ),
    );
    const data = await imageBytes(response.data?.[0], signal);
    if (data.length === 0) throw new ProviderError('OpenAI returned no image', 'provider_error');
    return { data };
  }

  /** Runs `call`, retrying 429, 5xx, timeouts and connection errors after each of retryDelaysMs. */
  private async withRetries<T>(
    sdk: Sdk,
    operation: string,
    signal: AbortSignal,
    call: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await call();
      } catch (error) {
        // An aborted call is over: its reason wins over whatever error the SDK made of it.
        signal.throwIfAborted();
        const failure = describeFailure(sdk, error);
        const delayMs = this.options.retryDelaysMs[attempt];
        if (!failure.retryable || delayMs === undefined) {
          const attempts = attempt + 1;
          throw new ProviderError(
            `OpenAI ${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure.reason}`,
            failure.code,
            failure.httpStatus,
            { cause: error },
          );
        }
        await abortableDelay(delayMs, signal);
      }
    }
  }
}

function describeFailure(sdk: Sdk, error: unknown): AttemptFailure {
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return { retryable: true, code: 'timeout', reason: 'the request timed out' };
  }
  if (error instanceof sdk.APIConnectionError) {
    return { retryable: true, code: 'provider_error', reason: `connection error: ${error.message}` };
  }
  // instanceof would widen the generic status to any.
  const status = error instanceof sdk.APIError ? (error as OpenAiSdk.APIError).status : undefined;
  if (status !== undefined) {
    // The SDK's message already starts with the status.
    const detail = (error as OpenAiSdk.APIError).message.replace(`${status} `, '');
    return {
      retryable: status === 429 || status >= 500,
      code: 'provider_error',
      httpStatus: status,
      reason: `HTTP ${status}: ${detail}`,
    };
  }
  return {
    retryable: false,
    code: 'provider_error',
    reason: error instanceof Error ? error.message : String(error),
  };
}

function promptWithNegative(prompt: string, negativePrompt: string): string {
  const avoid = negativePrompt.trim();
  return avoid === '' ? prompt : `${prompt}\n\nAvoid: ${avoid}`;
}

async function imageBytes(image: Image | undefined, signal: AbortSignal): Promise<Buffer> {
  if (image?.b64_json) return Buffer.from(image.b64_json, 'base64');
  if (image?.url) return downloadImage(image.url, signal);
  return Buffer.alloc(0);
}

async function downloadImage(url: string, signal: AbortSignal): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
    if (response.ok) return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    signal.throwIfAborted();
    throw new ProviderError(
      `Downloading the OpenAI image failed: ${String(error)}`,
      'provider_error',
      undefined,
      {
        cause: error,
      },
    );
  }
  throw new ProviderError(
    `Downloading the OpenAI image failed: HTTP ${response.status}`,
    'provider_error',
    response.status,
  );
}

/** Waits `ms`; when the signal aborts meanwhile, throws its reason at once. */
async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}
