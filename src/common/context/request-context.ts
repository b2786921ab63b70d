import type { FastifyRequest } from 'fastify';
import { type ClsStore } from 'nestjs-cls';

export type Role = 'developer' | 'owner' | 'admin' | 'editor' | 'viewer' | 'system_bot';

/** Who is acting. Written once by the auth guard (or a job envelope) and read everywhere else. */
export interface Principal {
  userId: number | null;
  accountId: number;
  siteId: number | null;
  role: Role;
  bypassTenant: boolean;
  via: 'jwt' | 'session' | 'basic' | 'api_key' | 'job';
}

export interface RequestContextStore extends ClsStore {
  requestId: string;
  /** The HTTP request being served (absent in jobs and scripts). */
  request?: FastifyRequest;
  principal?: Principal;
  /** Set only inside `runAsSystem`: the reviewed reason why tenant scoping is lifted. */
  systemReason?: string;
}
