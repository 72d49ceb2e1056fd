-- Ledgers placed across several PostgreSQL clusters (issue 19, ADR 0020). Every cluster gets this same schema; the
-- catalog cluster (the default one, LEDGER_DB_URL) is the only one whose ledger_directory and api_keys are used.
--
-- The directory says where each ledger's journal lives. A row is written before the ledger's home cluster is
-- provisioned and marked ready after it, so a crash in between leaves a row that the next creation of the same
-- name completes, never a ledger that half exists. version grows by one each time the ledger moves.
CREATE TABLE ledger_directory (
    ledger_id   uuid        PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    cluster     text        NOT NULL CHECK (length(cluster) BETWEEN 1 AND 64),
    version     bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    ready       boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL
);
CREATE INDEX ledger_directory_by_cluster ON ledger_directory (cluster, name);

-- The ledgers of this database until now live on it: ${clusterName} is the name the service gives this cluster.
INSERT INTO ledger_directory (ledger_id, name, cluster, version, ready, created_at)
SELECT id, name, '${clusterName}', 1, true, created_at FROM ledgers;

-- Keys belong to the catalog, where ledgers of other clusters have no row of their own.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_ledger_id_fkey;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_ledger_id_fkey FOREIGN KEY (ledger_id) REFERENCES ledger_directory (ledger_id);

-- Which cluster this database is, stamped by the first service that migrates it: a service configured with the
-- same URL under another name (two URLs swapped, a copy mistaken for the original) refuses to start.
CREATE TABLE cluster_identity (
    only_row    boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    stamped_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cluster_identity (name) VALUES ('${clusterName}');
