import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ImageRequest,
  ProviderError,
  type TextRequest,
} from '../../src/modules/ai/providers/ai-provider.js';
import {
  OpenAiProvider,
  type OpenAiProviderOptions,
} from '../../src/modules/ai/providers/openai.provider.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';

const API_KEY = 'sk-test-key';

const textRequest: TextRequest<'generate_content'> = {
  function: 'generate_content',
  input: {
    title: 'Indoor herb gardens',
    description: '',
    primary_keyword: 'indoor herbs',
    secondary_keywords: [],
    word_count: 800,
    content_type: 'post',
    content_structure: 'article',
    outline: [],
  },
  prompt: 'Write an article about indoor herbs. Answer as JSON {"title": "..."}',
  model: 'gpt-4o-mini',
  jsonMode: true,
  temperature: 0.7,
  maxTokens: 4000,
};

const imageRequest: ImageRequest = {
  prompt: 'A basil plant on a kitchen window sill',
  negativePrompt: 'text, watermark',
  model: 'gpt-image-1',
  size: '1024x1024',
  style: 'photorealistic',
};

let fake: FakeOpenAi;

function provider(overrides: Partial<OpenAiProviderOptions> = {}): OpenAiProvider {
  return new OpenAiProvider({
    apiKey: API_KEY,
    baseUrl: fake.baseUrl,
    timeoutMs: 5_000,
    retryDelaysMs: [20, 40],
    ...overrides,
  });
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: API_KEY });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('OpenAiProvider.complete', () => {
  it('returns the answer text and the token counts of the usage, sending the API key', async () => {
    fake.script('chat', [{ json: { title: 'Herbs' }, usage: { prompt_tokens: 321, completion_tokens: 54 } }]);

    const answer = await provider().complete(textRequest, new AbortController().signal);

    expect(answer).toEqual({ text: '{"title":"Herbs"}', tokensInput: 321, tokensOutput: 54 });
    const [request] = fake.requestsTo('chat');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.7,
      max_completion_tokens: 4000,
    });
    expect(request.body.messages?.map((message) => message.role)).toEqual(['system', 'user']);
    expect(request.body.messages?.[1].content).toBe(textRequest.prompt);
  });

  it('asks for a JSON object in JSON mode, and the answer parses', async () => {
    fake.respondToChat((body) => JSON.stringify({ title: 'Echo', prompt: body.messages?.at(-1)?.content }));

    const answer = await provider().complete(textRequest, new AbortController().signal);

    expect(fake.requestsTo('chat')[0].body.response_format).toEqual({ type: 'json_object' });
    expect(JSON.parse(answer.text)).toEqual({ title: 'Echo', prompt: textRequest.prompt });
    fake.respondToChat(() => '{}');
  });

  it('sends no response_format outside JSON mode', async () => {
    await provider().complete({ ...textRequest, jsonMode: false }, new AbortController().signal);

    expect(fake.requestsTo('chat')[0].body).not.toHaveProperty('response_format');
  });

  it('reports 0 tokens when the answer has no usage', async () => {
    fake.script('chat', [{ json: { ok: true }, usage: null }]);

    const answer = await provider().complete(textRequest, new AbortController().signal);

    expect(answer).toEqual({ text: '{"ok":true}', tokensInput: 0, tokensOutput: 0 });
  });

  it('returns malformed model output as it is: parsing is the caller’s job', async () => {
    fake.script('chat', [{ raw: 'not json {' }]);

    const answer = await provider().complete(textRequest, new AbortController().signal);

    expect(answer.text).toBe('not json {');
    expect(answer.tokensOutput).toBeGreaterThan(0);
  });

  it('fails an empty answer with provider_error, without retrying', async () => {
    fake.script('chat', [{ raw: '' }]);

    const error = await providerError(provider().complete(textRequest, new AbortController().signal));

    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/empty answer/);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('retries a 429 and returns the next answer', async () => {
    fake.script('chat', [{ status: 429, message: 'Rate limit reached' }, { json: { title: 'After 429' } }]);

    const answer = await provider().complete(textRequest, new AbortController().signal);

    expect(answer.text).toBe('{"title":"After 429"}');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('gives up on a 500 after two retries with provider_error and the status', async () => {
    fake.script('chat', [{ status: 500 }, { status: 500 }, { status: 500 }, { json: { never: 'reached' } }]);

    const error = await providerError(provider().complete(textRequest, new AbortController().signal));

    expect(error.code).toBe('provider_error');
    expect(error.httpStatus).toBe(500);
    expect(error.message).toMatch(/HTTP 500/);
    expect(error.message).toMatch(/3 attempts/);
    expect(fake.requestsTo('chat')).toHaveLength(3);
  });

  it('retries as many times as it has delays', async () => {
    fake.script('chat', [{ status: 503 }, { status: 502 }, { status: 500 }, { json: { title: 'Fourth' } }]);

    const answer = await provider({ retryDelaysMs: [10, 10, 10] }).complete(
      textRequest,
      new AbortController().signal,
    );

    expect(answer.text).toBe('{"title":"Fourth"}');
    expect(fake.requestsTo('chat')).toHaveLength(4);
  });

  it('fails with timeout when every attempt hangs', async () => {
    fake.script('chat', [{ hang: true }, { hang: true }, { hang: true }]);

    const error = await providerError(
      provider({ timeoutMs: 200 }).complete(textRequest, new AbortController().signal),
    );

    expect(error.code).toBe('timeout');
    expect(error.httpStatus).toBeUndefined();
    expect(fake.requestsTo('chat')).toHaveLength(3);
  });

  it('retries a timed-out attempt and returns the next answer', async () => {
    fake.script('chat', [{ hang: true }, { json: { title: 'In time' } }]);

    const answer = await provider({ timeoutMs: 200 }).complete(textRequest, new AbortController().signal);

    expect(answer.text).toBe('{"title":"In time"}');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('stops at once with the signal’s reason when aborted during a call, without retrying', async () => {
    fake.script('chat', [{ hang: true }, { json: { never: 'reached' } }]);
    const controller = new AbortController();
    const reason = new Error('task cancelled');

    const call = provider({ timeoutMs: 60_000 }).complete(textRequest, controller.signal);
    await waitForRequests(1);
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('stops with the signal’s reason when aborted while waiting to retry', async () => {
    fake.script('chat', [{ status: 503 }, { json: { never: 'reached' } }]);
    const controller = new AbortController();
    const reason = new Error('task cancelled');

    const call = provider({ retryDelaysMs: [60_000] }).complete(textRequest, controller.signal);
    await waitForRequests(1);
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('makes no request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already cancelled'));

    await expect(provider().complete(textRequest, controller.signal)).rejects.toThrow('already cancelled');
    expect(fake.requestsTo('chat')).toHaveLength(0);
  });

  it('does not retry a 400', async () => {
    fake.script('chat', [
      { status: 400, message: "Invalid value for 'temperature'" },
      { json: { never: 'reached' } },
    ]);

    const error = await providerError(provider().complete(textRequest, new AbortController().signal));

    expect(error.code).toBe('provider_error');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(/temperature/);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('does not retry a 401 for a wrong API key', async () => {
    const error = await providerError(
      provider({ apiKey: 'sk-wrong' }).complete(textRequest, new AbortController().signal),
    );

    expect(error.httpStatus).toBe(401);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('retries connection errors and fails with provider_error', async () => {
    const closed = await startFakeOpenAi();
    const baseUrl = closed.baseUrl;
    await closed.close();

    const error = await providerError(
      provider({ baseUrl }).complete(textRequest, new AbortController().signal),
    );

    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/connection error/i);
    expect(error.message).toMatch(/3 attempts/);
  });
});

describe('OpenAiProvider.generateImage', () => {
  it('decodes a gpt-image b64_json answer into an image sharp can read', async () => {
    const image = await provider().generateImage(
      { ...imageRequest, size: '1536x1024' },
      new AbortController().signal,
    );

    expect(await sharp(image.data).metadata()).toMatchObject({ format: 'png', width: 1536, height: 1024 });
    const [request] = fake.requestsTo('images');
    expect(request.path).toBe('/v1/images/generations');
    expect(request.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'A basil plant on a kitchen window sill\n\nAvoid: text, watermark',
      size: '1536x1024',
      n: 1,
    });
  });

  it('asks dall-e models for b64_json', async () => {
    const image = await provider().generateImage(
      { ...imageRequest, model: 'dall-e-3', negativePrompt: '' },
      new AbortController().signal,
    );

    expect((await sharp(image.data).metadata()).format).toBe('png');
    const [request] = fake.requestsTo('images');
    expect(request.body.response_format).toBe('b64_json');
    expect(request.body.prompt).toBe(imageRequest.prompt);
  });

  it('downloads the image when only a URL comes back', async () => {
    fake.script('images', [{ url: true }]);

    const image = await provider().generateImage(imageRequest, new AbortController().signal);

    expect(await sharp(image.data).metadata()).toMatchObject({ width: 1024, height: 1024 });
    expect(fake.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
  });

  it('retries a 500 of the images API', async () => {
    fake.script('images', [{ status: 500 }]);

    const image = await provider().generateImage(imageRequest, new AbortController().signal);

    expect(image.data.length).toBeGreaterThan(0);
    expect(fake.requestsTo('images')).toHaveLength(2);
  });

  it('fails with provider_error when no image comes back', async () => {
    fake.script('images', [{ body: { created: 1, data: [] } }]);

    const error = await providerError(provider().generateImage(imageRequest, new AbortController().signal));

    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/no image/);
  });
});

async function waitForRequests(count: number): Promise<void> {
  await expect.poll(() => fake.requests.length).toBeGreaterThanOrEqual(count);
}
