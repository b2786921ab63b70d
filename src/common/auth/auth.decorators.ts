import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { API_KEY_EXTENSION } from '../openapi/openapi.js';
import type { RoleMark } from './roles.js';

export const ROLES = 'igny8:roles';
export const API_KEY_ALLOWED = 'igny8:api-key-allowed';
export const OPTIONAL_AUTH = 'igny8:optional-auth';
export const SKIP_ACCOUNT_GATE = 'igny8:skip-account-gate';
export const ACCOUNT_GATE_IN_SERVICE = 'igny8:account-gate-in-service';

/** Minimum role for the route (default: any authenticated user, i.e. `viewer`). */
export const Roles = (mark: RoleMark) => SetMetadata(ROLES, mark);

/** The route is also callable with a site API key (acting as editor on that site). */
export const ApiKeyAllowed = () =>
  applyDecorators(SetMetadata(API_KEY_ALLOWED, true), ApiExtension(API_KEY_EXTENSION, true));

/** Credentials are validated when present, but anonymous callers are let through (e.g. public site lookup). */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);

/** The route stays reachable whatever the account's status (docs/api-conventions.md#account-status-gate). */
export const SkipAccountGate = () => SetMetadata(SKIP_ACCOUNT_GATE, true);

/**
 * The guard leaves the account status gate to the route's service, which applies it at its own point of
 * a documented order of checks (e.g. after the 404 of the site): the gate still applies, only later.
 */
export const AccountGateInService = () =>
  applyDecorators(SetMetadata(SKIP_ACCOUNT_GATE, true), SetMetadata(ACCOUNT_GATE_IN_SERVICE, true));
