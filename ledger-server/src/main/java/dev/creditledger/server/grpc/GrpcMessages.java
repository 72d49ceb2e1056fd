package dev.creditledger.server.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.Side;
import dev.creditledger.core.TransferStatus;
import dev.creditledger.grpc.v1.Balance;
import dev.creditledger.grpc.v1.CaptureHoldRequest;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.GetBalanceResponse;
import dev.creditledger.grpc.v1.GetStatementResponse;
import dev.creditledger.grpc.v1.GrantChange;
import dev.creditledger.grpc.v1.StatementLine;
import dev.creditledger.grpc.v1.Transfer;
import dev.creditledger.grpc.v1.VoidHoldRequest;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.server.api.Requests;
import dev.creditledger.server.api.Responses;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Converts ledger.v1 messages to the API's request records ({@link Requests}) and the API's answers
 * ({@link Responses}) to ledger.v1 messages, so the gRPC API runs the HTTP API's checks, commands, hashes and
 * mappings rather than its own. Each enum of the domain is mapped in a switch with no default.
 *
 * A request converts to exactly the record its HTTP JSON twin parses to: a field the message leaves absent (an
 * empty string or map, an unset optional) is null, as an omitted JSON field is. That is what makes an
 * idempotency key replay across the two transports (docs/grpc.md, "Idempotency").
 *
 * What can go wrong: a message with an unknown field, an id that is not a canonical UUID or an invalid Timestamp
 * is refused with VALIDATION_FAILED; the refusal never quotes the offending value (it may be huge).
 */
final class GrpcMessages {
    private GrpcMessages() {}

    /** The canonical text of a UUID, as the HTTP API reads it: 8-4-4-4-12 hexadecimal digits. */
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** The range of a valid google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    private static final long TIMESTAMP_SECONDS_MIN = -62_135_596_800L;
    private static final long TIMESTAMP_SECONDS_MAX = 253_402_300_799L;

    // ---- requests ----

    static Requests.CreateTransfer createTransfer(CreateTransferRequest m) {
        known(m);
        if (m.getAsset().isEmpty()) {
            throw ApiException.validation("'asset' is required");
        }
        // The message has no deprecated `currency` (the HTTP API's input alias): it is never given.
        return new Requests.CreateTransfer(uuid(m.getFrom(), "from"), uuid(m.getTo(), "to"),
                m.hasAmount() ? m.getAmount() : null, m.getAsset(), null, m.hasPending() ? m.getPending() : null,
                m.hasTimeoutSeconds() ? m.getTimeoutSeconds() : null, metadata(m.getMetadataMap()), text(m.getIdempotencyKey()), null);
    }

    static UUID holdId(String text) {
        var id = uuid(text, "hold_id");
        if (id == null) {
            throw ApiException.validation("'hold_id' is required");
        }
        return id;
    }

    static Requests.Capture capture(CaptureHoldRequest m) {
        known(m);
        return new Requests.Capture(m.hasAmount() ? m.getAmount() : null, metadata(m.getMetadataMap()), text(m.getIdempotencyKey()));
    }

    static Requests.Void voidHold(VoidHoldRequest m) {
        known(m);
        return new Requests.Void(metadata(m.getMetadataMap()), text(m.getIdempotencyKey()));
    }

    static UUID accountId(String text) {
        var id = uuid(text, "account_id");
        if (id == null) {
            throw ApiException.validation("'account_id' is required");
        }
        return id;
    }

    /** A message (and every message in it) has no field this version does not know. */
    static void known(Message message) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            throw ApiException.validation("the " + message.getDescriptorForType().getName() + " has fields this service does not know "
                    + "(numbers " + message.getUnknownFields().asMap().keySet() + "); it refuses what it cannot read");
        }
        for (var value : message.getAllFields().values()) {
            if (value instanceof Message nested) {
                known(nested);
            }
        }
    }

    /** An instant from an optional Timestamp: null when absent; refused outside a Timestamp's valid range. */
    static Instant instant(boolean present, Timestamp t, String field) {
        if (!present) {
            return null;
        }
        if (t.getSeconds() < TIMESTAMP_SECONDS_MIN || t.getSeconds() > TIMESTAMP_SECONDS_MAX || t.getNanos() < 0
                || t.getNanos() > 999_999_999) {
            throw ApiException.validation("'" + field + "' is not a valid Timestamp (years 1 to 9999, nanos 0 to 999,999,999)");
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** An id: null when empty (absent), refused when it is not a canonical UUID. */
    static UUID uuid(String text, String field) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() != 36 || !UUID_TEXT.matcher(text).matches()) {
            throw ApiException.validation("'" + field + "' is not a UUID (8-4-4-4-12 hexadecimal digits)");
        }
        return UUID.fromString(text);
    }

    private static String text(String value) {
        return value.isEmpty() ? null : value;
    }

    private static Map<String, String> metadata(Map<String, String> metadata) {
        return metadata.isEmpty() ? null : new LinkedHashMap<>(metadata);
    }

    // ---- answers ----

    static Transfer transfer(Responses.TransferJson t) {
        var b = Transfer.newBuilder().setId(t.id().toString()).setType(kind(t.type())).setAmount(t.amount()).setSeq(t.seq());
        if (t.from() != null) {
            b.setFrom(t.from().toString());
        }
        if (t.to() != null) {
            b.setTo(t.to().toString());
        }
        if (t.asset() != null) {
            b.setAsset(t.asset());
        }
        if (t.status() != null) {
            b.setStatus(status(t.status()));
        }
        if (t.capturedAmount() != null) {
            b.setCapturedAmount(t.capturedAmount());
        }
        if (t.reversedAmount() != null) {
            b.setReversedAmount(t.reversedAmount());
        }
        if (t.expiresAt() != null) {
            b.setExpiresAt(timestamp(t.expiresAt()));
        }
        if (t.transferId() != null) {
            b.setTransferId(t.transferId().toString());
        }
        if (t.metadata() != null) {
            b.putAllMetadata(t.metadata());
        }
        if (t.createdAt() != null) {
            b.setCreatedAt(timestamp(t.createdAt()));
        }
        if (t.grants() != null) {
            for (var g : t.grants()) {
                b.addGrants(GrantChange.newBuilder().setGrant(g.grant().toString()).setAccount(g.account().toString())
                        .setKind(grantChange(g.kind())).setAmount(g.amount()));
            }
        }
        return b.build();
    }

    static GetBalanceResponse balance(Responses.PointInTimeBalanceJson json) {
        var b = GetBalanceResponse.newBuilder().setAccountId(json.accountId().toString()).setAsset(json.asset())
                .setBalance(balance(json.balance()));
        if (json.asOf() != null) {
            b.setAsOf(timestamp(json.asOf()));
        }
        return b.build();
    }

    static GetStatementResponse statement(Responses.StatementJson json) {
        var b = GetStatementResponse.newBuilder().setAccountId(json.accountId().toString()).setAsset(json.asset())
                .setNextCursor(json.nextCursor() == null ? "" : json.nextCursor());
        for (var l : json.lines()) {
            b.addLines(StatementLine.newBuilder().setVersion(l.version()).setEntryId(l.entryId().toString()).setSeq(l.seq())
                    .setType(kind(l.type())).setSide(side(l.side())).setAmount(l.amount()).setPendingDelta(l.pendingDelta())
                    .setBalance(l.balance()).setAvailable(l.available()).setCreatedAt(timestamp(l.createdAt())));
        }
        return b.build();
    }

    private static Balance balance(Responses.BalanceJson b) {
        return Balance.newBuilder().setPosted(b.posted()).setPending(b.pending()).setAvailable(b.available())
                .setDebitsPosted(b.debitsPosted()).setCreditsPosted(b.creditsPosted()).setDebitsPending(b.debitsPending())
                .setCreditsPending(b.creditsPending()).build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static dev.creditledger.grpc.v1.EntryKind kind(EntryKind kind) {
        return switch (kind) {
            case TRANSFER -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_TRANSFER;
            case HOLD -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_HOLD;
            case CAPTURE -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_CAPTURE;
            case VOID -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_VOID;
            case EXPIRY -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_EXPIRY;
            case ENTRY -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_ENTRY;
            case REVERSAL -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_REVERSAL;
            case GRANT -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_GRANT;
            case GRANT_EXPIRY -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_GRANT_EXPIRY;
            case ESCROW_FUND -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_ESCROW_FUND;
            case ESCROW_RELEASE -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_ESCROW_RELEASE;
            case ESCROW_REFUND -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_ESCROW_REFUND;
            case USAGE -> dev.creditledger.grpc.v1.EntryKind.ENTRY_KIND_USAGE;
        };
    }

    static dev.creditledger.grpc.v1.TransferStatus status(TransferStatus status) {
        return switch (status) {
            case PENDING -> dev.creditledger.grpc.v1.TransferStatus.TRANSFER_STATUS_PENDING;
            case POSTED -> dev.creditledger.grpc.v1.TransferStatus.TRANSFER_STATUS_POSTED;
            case VOIDED -> dev.creditledger.grpc.v1.TransferStatus.TRANSFER_STATUS_VOIDED;
            case EXPIRED -> dev.creditledger.grpc.v1.TransferStatus.TRANSFER_STATUS_EXPIRED;
        };
    }

    static dev.creditledger.grpc.v1.GrantChangeKind grantChange(GrantChangeKind kind) {
        return switch (kind) {
            case GRANTED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_GRANTED;
            case CONSUMED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_CONSUMED;
            case RESERVED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_RESERVED;
            case RELEASED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_RELEASED;
            case CAPTURED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_CAPTURED;
            case RESTORED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_RESTORED;
            case EXPIRED -> dev.creditledger.grpc.v1.GrantChangeKind.GRANT_CHANGE_KIND_EXPIRED;
        };
    }

    static dev.creditledger.grpc.v1.Side side(Side side) {
        return switch (side) {
            case DEBIT -> dev.creditledger.grpc.v1.Side.SIDE_DEBIT;
            case CREDIT -> dev.creditledger.grpc.v1.Side.SIDE_CREDIT;
        };
    }
}
