// What every route module shares: the app typed by its JSON schemas (json-schema-to-ts) and the module signature.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { FromSchema, JSONSchema } from "json-schema-to-ts";
import type { Keyward } from "../service/keyward.js";

/**
 * Request types (params, query, body, headers) come from each route's JSON schema. Replies stay untyped by the
 * provider: their shape is enforced at run time by the response schemas' serializers.
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this["schema"] extends JSONSchema ? FromSchema<this["schema"]> : unknown;
  serializer: unknown;
}

/** The Fastify app whose request types come from each route's JSON schema (declared once, not twice). */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  SchemaTypeProvider
>;

/**
 * One route module: registers one endpoint (or a small group) over what it serves from — the wired services,
 * or (the /v1/sys seal routes, answered before unseal too) the unseal gate.
 */
export type RouteModule<C = Keyward> = (app: Api, ctx: C) => void | Promise<void>;

/** The app seen through the JSON-schema type provider. */
export function typedApp(app: FastifyInstance): Api {
  return app.withTypeProvider<SchemaTypeProvider>() as unknown as Api;
}

/** Registers route modules in order (each folder's index lists its endpoints). */
export async function registerRoutes<C>(app: FastifyInstance, ctx: C, modules: readonly RouteModule<C>[]) {
  const api = typedApp(app);
  for (const register of modules) await register(api, ctx);
}
