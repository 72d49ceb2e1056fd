-- Low-balance alerts (issue 8): thresholds on an account's available balance, and the journal of their crossings.
--
-- The thresholds are settings of the account, not journal: they live next to its materialised balance,
-- which every batch that touches the account loads under the ledger lock, and change under that lock
-- (ADR 0012). NULL: no thresholds. Kept in descending order, at most ALERT_THRESHOLDS_PER_ACCOUNT_MAX.
ALTER TABLE balances ADD COLUMN alert_thresholds bigint[]
    CHECK (alert_thresholds IS NULL OR (cardinality(alert_thresholds) >= 1 AND array_position(alert_thresholds, NULL) IS NULL));

-- One row per threshold an entry crossed, written with the entry and never changed: the relay publishes
-- each as a ledger.balance.threshold_crossed event, and GET /v1/accounts/{id}/alerts lists them.
CREATE TABLE balance_alerts (
    ledger_id        uuid     NOT NULL,
    -- The entry that crossed the threshold.
    entry_seq        bigint   NOT NULL,
    -- The order of the entry's crossings (Entry.balanceAlerts).
    alert_no         smallint NOT NULL CHECK (alert_no >= 0),
    account_id       uuid     NOT NULL,
    threshold        bigint   NOT NULL,
    direction        text     NOT NULL CHECK (direction IN ('DOWN', 'UP')),
    -- Available balances are exact: posted minus pending outflows can leave the 64-bit range.
    available_before numeric  NOT NULL,
    available_after  numeric  NOT NULL,
    PRIMARY KEY (ledger_id, entry_seq, alert_no),
    CHECK ((direction = 'DOWN') = (available_after < threshold)),
    CHECK ((available_before < threshold) <> (available_after < threshold))
);
-- An account's crossings, newest first.
CREATE INDEX balance_alerts_by_account ON balance_alerts (ledger_id, account_id, entry_seq);
-- Journal: never changed.
CREATE TRIGGER balance_alerts_append_only BEFORE UPDATE OR DELETE ON balance_alerts
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER balance_alerts_no_truncate BEFORE TRUNCATE ON balance_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
