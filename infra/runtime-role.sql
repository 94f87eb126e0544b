-- The API's runtime role (issue #14): reads and writes rows of the schema, runs no DDL. Run in the target database as its
-- owner (or a superuser) after the role exists; infra/postgres.sh and RuntimeRoleTests fill in the names:
--   __OWNER__ the role that owns the schema and applies migrations (db-apply), __APP__ the runtime role,
--   __SCHEMA__ the schema (incidents), __DATABASE__ the database.
-- Default privileges cover what the owner creates later (new tables of a migration), so a migration needs no new grants.
CREATE SCHEMA IF NOT EXISTS __SCHEMA__ AUTHORIZATION __OWNER__;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA __SCHEMA__ FROM PUBLIC;
REVOKE CREATE ON DATABASE __DATABASE__ FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE __DATABASE__ TO __APP__;
GRANT USAGE ON SCHEMA __SCHEMA__ TO __APP__;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA __SCHEMA__ TO __APP__;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA __SCHEMA__ TO __APP__;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA __SCHEMA__ TO __APP__;
ALTER DEFAULT PRIVILEGES FOR ROLE __OWNER__ IN SCHEMA __SCHEMA__ GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO __APP__;
ALTER DEFAULT PRIVILEGES FOR ROLE __OWNER__ IN SCHEMA __SCHEMA__ GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO __APP__;
ALTER DEFAULT PRIVILEGES FOR ROLE __OWNER__ IN SCHEMA __SCHEMA__ GRANT EXECUTE ON FUNCTIONS TO __APP__;
