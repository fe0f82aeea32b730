// Schemas shared by the app and delegate routes: app names, app and version info.
import { looseObject, shortName } from "../../schemas.js";

export const appParams = { type: "object", required: ["name"], properties: { name: shortName } } as const;
export const appInfo = looseObject("app: name, current publicKey and sequence, key chain");
export const versionInfo = looseObject("delegate version: key, app, version, codeHash, params, revoked");
