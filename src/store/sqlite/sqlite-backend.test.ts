// The storage contract suites on the SQLite backend (real files in temp dirs), plus SQLite specifics.
import { runSecretStoreContract } from "../secret-store.contract.js";
import { runStateStoreContract } from "../state-store.contract.js";
import { openTestSqliteStorage } from "../testing.js";

runStateStoreContract("sqlite", openTestSqliteStorage);
runSecretStoreContract("sqlite", openTestSqliteStorage);
