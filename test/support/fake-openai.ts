/**
 * A local stand-in for the OpenAI HTTP API: chat completions and image generations in the real wire
 * format, scriptable per endpoint, recording every request. Plain module (no test-runner imports) so
 * a separate process can start it too.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';

export type FakeEndpoint = 'chat' | 'images';

/**
 * One scripted answer, checked in this order: `delayMs` waits first; `hang` never answers (until
 * close); `status` answers the API's error body; `body` answers exactly that JSON; otherwise a real
 * success body: for chat with the content `raw`, or `json` serialised, or the chat responder's; for
 * images with an inline `b64_json` PNG, or a URL to download it from when `url` is set (or when the
 * request asks for `url`, as dall-e does by default). `{}` is the default answer.
 */
export interface FakeBehaviour {
  delayMs?: number;
  hang?: true;
  status?: number;
  /** The error message when `status` is set. */
  message?: string;
  body?: unknown;
  raw?: string;
  json?: unknown;
  /** Usage to report instead of the computed one; `null` leaves `usage` out of the body. */
  usage?: FakeUsage | null;
  url?: true;
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type: string };
  temperature?: number;
  max_completion_tokens?: number;
  max_tokens?: number;
}

export interface ImageRequestBody {
  model?: string;
  prompt?: string;
  size?: string;
  n?: number;
  response_format?: string;
}

interface RequestBodies {
  chat: ChatRequestBody;
  images: ImageRequestBody;
}

export interface RecordedRequest<Body = unknown> {
  /** `null` for image downloads and unknown paths. */
  endpoint: FakeEndpoint | null;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` when there was none. */
  body: Body;
}

/** Answers a chat request whose queue is empty: the message content. */
export type ChatResponder = (body: ChatRequestBody) => string;

export interface FakeOpenAiOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get the API's 401. */
  apiKey?: string;
  chat?: ChatResponder;
}

export interface FakeOpenAi {
  /** `http://127.0.0.1:<port>/v1`, the SDK's `baseURL`. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** Queues answers for the next requests to `endpoint`, in order. */
  script(endpoint: FakeEndpoint, behaviours: FakeBehaviour[]): void;
  /** Replaces the answer to chat requests once their queue is empty. */
  respondToChat(responder: ChatResponder): void;
  requestsTo<E extends FakeEndpoint>(endpoint: E): RecordedRequest<RequestBodies[E]>[];
  /** Forgets the recorded requests and the scripted answers not yet used. */
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: Partial<Record<string, FakeEndpoint>> = {
  '/v1/chat/completions': 'chat',
  '/chat/completions': 'chat',
  '/v1/images/generations': 'images',
  '/images/generations': 'images',
};

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

const defaultChatResponder: ChatResponder = () => '{}';

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const queues: Record<FakeEndpoint, FakeBehaviour[]> = { chat: [], images: [] };
  const requests: RecordedRequest[] = [];
  const files = new Map<string, Buffer>();
  let chatResponder = options.chat ?? defaultChatResponder;
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const endpoint = ROUTES[path] ?? null;
    const body = await readJson(req);
    requests.push({ endpoint, method: req.method ?? '', path, headers: req.headers, body });

    const file = files.get(/^\/files\/(\w+)\.png$/.exec(path)?.[1] ?? '');
    if (req.method === 'GET' && file) return sendBytes(res, file);
    if (req.method !== 'POST' || !endpoint)
      return sendError(res, 404, `Unknown request URL: ${req.method} ${path}`);
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.');
    }

    const behaviour = queues[endpoint].shift() ?? {};
    if (behaviour.delayMs) await sleep(behaviour.delayMs);
    if (behaviour.hang) return;
    if (behaviour.status !== undefined) return sendError(res, behaviour.status, behaviour.message);
    if (behaviour.body !== undefined) return sendJson(res, 200, behaviour.body);
    if (endpoint === 'chat')
      return sendJson(res, 200, chatCompletion(body as ChatRequestBody, behaviour, chatResponder));
    return sendJson(res, 200, await imagesResponse(body as ImageRequestBody, behaviour));
  }

  async function imagesResponse(body: ImageRequestBody, behaviour: FakeBehaviour): Promise<unknown> {
    const image = await solidPng(body.size ?? '1024x1024');
    const dallEDefault = body.model?.startsWith('dall-e') === true && body.response_format === undefined;
    if (!behaviour.url && body.response_format !== 'url' && !dallEDefault) {
      return { created: now(), data: [{ b64_json: image.toString('base64'), revised_prompt: body.prompt }] };
    }
    const id = randomBytes(8).toString('hex');
    files.set(id, image);
    return {
      created: now(),
      data: [{ url: `${new URL(baseUrl).origin}/files/${id}.png`, revised_prompt: body.prompt }],
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `Fake server failure: ${String(error)}`);
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  return {
    baseUrl,
    requests,
    script(endpoint, behaviours) {
      queues[endpoint].push(...behaviours);
    },
    respondToChat(responder) {
      chatResponder = responder;
    },
    requestsTo<E extends FakeEndpoint>(endpoint: E) {
      return requests.filter((request) => request.endpoint === endpoint) as RecordedRequest<
        RequestBodies[E]
      >[];
    },
    reset() {
      requests.length = 0;
      queues.chat.length = 0;
      queues.images.length = 0;
    },
    close() {
      return new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      });
    },
  };
}

function chatCompletion(body: ChatRequestBody, behaviour: FakeBehaviour, responder: ChatResponder): unknown {
  const content =
    behaviour.raw ?? (behaviour.json !== undefined ? JSON.stringify(behaviour.json) : responder(body));
  const promptText = (body.messages ?? []).map((message) => message.content).join('\n');
  const usage = behaviour.usage === undefined ? computedUsage(promptText, content) : behaviour.usage;
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: now(),
    model: body.model ?? 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    ...(usage && { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

function computedUsage(promptText: string, content: string): FakeUsage {
  return { prompt_tokens: tokenCount(promptText), completion_tokens: tokenCount(content) };
}

/** Roughly the API's count: four characters a token. */
export function tokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}

const pngCache = new Map<string, Promise<Buffer>>();

/** A real PNG of the requested `WIDTHxHEIGHT` (solid colour, so it stays small). */
function solidPng(size: string): Promise<Buffer> {
  const [width, height] = size.split('x').map(Number);
  const key = `${width}x${height}`;
  let png = pngCache.get(key);
  if (!png) {
    png = sharp({
      create: { width: width || 1024, height: height || 1024, channels: 3, background: '#3a6ea5' },
    })
      .png()
      .toBuffer();
    pngCache.set(key, png);
  }
  return png;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomBytes(8).toString('hex')}`,
  });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message = `Fake error ${status}`): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  sendJson(res, status, { error: { message, type, param: null, code: null } });
}

function sendBytes(res: ServerResponse, data: Buffer): void {
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': data.length });
  res.end(data);
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
