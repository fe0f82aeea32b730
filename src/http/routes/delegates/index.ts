// The app, version, token and migration routes (/v1/apps, /v1/delegates), one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { delegateStatus } from "./delegate-status.js";
import { getApp } from "./get-app.js";
import { issueMigrationToken } from "./issue-migration-token.js";
import { listAppVersions } from "./list-app-versions.js";
import { listApps } from "./list-apps.js";
import { migrateDelegate } from "./migrate-delegate.js";
import { registerApp } from "./register-app.js";
import { registerDelegate } from "./register-delegate.js";
import { revokeDelegate } from "./revoke-delegate.js";
import { rotateAppKey } from "./rotate-app-key.js";

/** /v1/apps and /v1/delegates: apps and key chains, certified versions, migration tokens, migrations. */
export const delegateRoutes: readonly RouteModule[] = [
  registerApp,
  listApps,
  getApp,
  listAppVersions,
  rotateAppKey,
  registerDelegate,
  delegateStatus,
  revokeDelegate,
  issueMigrationToken,
  migrateDelegate,
];
