import type { HTTPMethods } from 'fastify';
import type { TestApp } from '../support/app.js';

export type Headers = Record<string, string>;
export type Body = Record<string, unknown>;

export interface ApiResponse {
  status: number;
  body: Body;
  headers: Record<string, unknown>;
}

/** `call(method, 'sites/1/', headers, body)` against `/api/v1/auth/…`, with the JSON body parsed. */
export function authApi(t: () => TestApp) {
  return async (
    method: HTTPMethods,
    url: string,
    headers: Headers = {},
    payload?: Body,
  ): Promise<ApiResponse> => {
    const response = await t().request({
      method,
      url: `/api/v1/auth/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: response.statusCode, body: response.json<Body>(), headers: response.headers };
  };
}

/** `data` of an envelope. */
export const data = (response: { body: Body }) => response.body.data as Body;

/** `results` of a page. */
export const results = (response: { body: Body }) => response.body.results as Body[];

/** The ids of a page. */
export const ids = (response: { body: Body }) => results(response).map((row) => row.id as number);
