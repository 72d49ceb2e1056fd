-- Daily closes (issue 10): at the end of each UTC day, a snapshot of every account's closing balance and the
-- trial balance per asset, with a SHA-256 of the day's journal. Written once by the worker, never changed.

CREATE TABLE daily_closes (
    ledger_id      uuid        NOT NULL REFERENCES ledgers (id),
    close_date     date        NOT NULL,
    -- The day's changes are the ledger sequences first_seq..last_seq (first_seq = last_seq + 1 when there were none).
    first_seq      bigint      NOT NULL CHECK (first_seq >= 1),
    last_seq       bigint      NOT NULL CHECK (last_seq >= first_seq - 1),
    -- SHA-256 of the day's journal in the canonical form of DailyCloser (docs/operations.md).
    journal_sha256 bytea       NOT NULL CHECK (length(journal_sha256) = 32),
    accounts       bigint      NOT NULL CHECK (accounts >= 0),
    closed_at      timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, close_date)
);

CREATE TABLE daily_close_balances (
    ledger_id       uuid   NOT NULL,
    close_date      date   NOT NULL,
    account_id      uuid   NOT NULL,
    asset           text   NOT NULL,
    -- The account's version at the end of the day: its postings 1..version were made that day or before.
    version         bigint NOT NULL CHECK (version >= 0),
    debits_posted   bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    debits_pending  bigint NOT NULL,
    credits_pending bigint NOT NULL,
    PRIMARY KEY (ledger_id, close_date, account_id),
    FOREIGN KEY (ledger_id, close_date) REFERENCES daily_closes (ledger_id, close_date)
);

CREATE TABLE daily_close_totals (
    ledger_id       uuid    NOT NULL,
    close_date      date    NOT NULL,
    asset           text    NOT NULL,
    accounts        bigint  NOT NULL,
    debits_posted   numeric NOT NULL,
    credits_posted  numeric NOT NULL,
    debits_pending  numeric NOT NULL,
    credits_pending numeric NOT NULL,
    PRIMARY KEY (ledger_id, close_date, asset),
    FOREIGN KEY (ledger_id, close_date) REFERENCES daily_closes (ledger_id, close_date)
);

CREATE TRIGGER daily_closes_append_only BEFORE UPDATE OR DELETE ON daily_closes
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER daily_closes_no_truncate BEFORE TRUNCATE ON daily_closes
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER daily_close_balances_append_only BEFORE UPDATE OR DELETE ON daily_close_balances
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER daily_close_balances_no_truncate BEFORE TRUNCATE ON daily_close_balances
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER daily_close_totals_append_only BEFORE UPDATE OR DELETE ON daily_close_totals
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER daily_close_totals_no_truncate BEFORE TRUNCATE ON daily_close_totals
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
