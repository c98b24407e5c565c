// @mmo/admin: the admin API server and the live world viewer behind it.
export { type AdminNode, startAdmin } from './admin-node.js';
export { ApiError } from './http-api.js';
export {
  ADMIN_ROLES,
  type AdminRole,
  type Caller,
  hashToken,
  newToken,
  parseTokens,
  TokenBook,
  tokenEntry,
} from './tokens.js';
