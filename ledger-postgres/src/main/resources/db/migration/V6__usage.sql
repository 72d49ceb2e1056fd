-- Usage with overage (issue 8): USAGE entries charge usage to revenue, paid by the account as far as its
-- available balance allows and owed on an overage account for the rest (two or three postings).
ALTER TABLE entries DROP CONSTRAINT entries_kind_check; -- named by V4
ALTER TABLE entries ADD CONSTRAINT entries_kind_check
    CHECK (kind IN ('TRANSFER', 'HOLD', 'CAPTURE', 'VOID', 'EXPIRY', 'ENTRY', 'REVERSAL', 'GRANT', 'GRANT_EXPIRY',
                    'ESCROW_FUND', 'ESCROW_RELEASE', 'ESCROW_REFUND', 'USAGE'));
