// The routes of /v1/secrets, one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { deleteSecret } from "./delete-secret.js";
import { getSecret } from "./get-secret.js";
import { listSecrets } from "./list-secrets.js";
import { putSecret } from "./put-secret.js";

/** /v1/secrets: user-level secrets in the sealed SecretStore (put, reveal, list, delete). */
export const secretRoutes: readonly RouteModule[] = [listSecrets, putSecret, getSecret, deleteSecret];
