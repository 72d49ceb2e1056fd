package dev.creditledger.server.api;

import dev.creditledger.core.Limits;
import dev.creditledger.core.StoredText;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.LedgerLinks;
import dev.creditledger.postgres.LedgerMover;
import dev.creditledger.server.ClusterHealth;
import dev.creditledger.server.ClusterJournals;
import dev.creditledger.server.auth.ApiKeyCache;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Administration: ledgers (operator key only), API keys (operator, or an admin key of that ledger),
 * and verification of the journal against the materialised balances.
 */
@RestController
@RequestMapping("/v1/admin")
@Tag(name = "Administration")
public class AdminController {

    private final LedgerAdmin admin;
    private final ClusterJournals journals;
    private final ClusterHealth clusterHealth;
    private final Clusters clusters;
    private final ApiKeyCache keys;
    private final LedgerLinks links;

    /** Administration is logged, never with a secret: who created or revoked which key, which ledger was created. */
    private static final org.slf4j.Logger audit = org.slf4j.LoggerFactory.getLogger("dev.creditledger.audit");

    public AdminController(LedgerAdmin admin, ClusterJournals journals, ClusterHealth clusterHealth, Clusters clusters, ApiKeyCache keys,
                           LedgerLinks links) {
        this.links = links;
        this.admin = admin;
        this.journals = journals;
        this.clusterHealth = clusterHealth;
        this.clusters = clusters;
        this.keys = keys;
    }

    @PostMapping("/ledgers")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a ledger (operator key)", description = "It starts with the assets USD, EUR, GBP, JPY, CREDITS and "
            + "POINTS, on the named cluster or, without one, on the cluster that rendezvous hashing of its id chooses (ADR 0020).")
    public Responses.LedgerJson createLedger(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                             @RequestBody Requests.CreateLedger body) {
        requireOperator(caller);
        Inputs.body(body);
        var ledger = admin.createLedger(Inputs.required(body.name(), "name"), closeTimeZone(body.closeTimeZone()), body.cluster());
        audit.info("ledger {} created: {} on cluster {} (closes days of {})", ledger.id(), ledger.name(), ledger.cluster(),
                ledger.closeTimeZone());
        return Responses.LedgerJson.of(ledger);
    }

    @GetMapping("/ledgers/{ledgerId}")
    @Operation(summary = "One ledger, with the cluster it lives on (operator key, or the ledger's admin key)")
    public Responses.LedgerJson ledger(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                       @PathVariable UUID ledgerId) {
        requireAdministers(caller, ledgerId);
        return admin.ledger(ledgerId).map(Responses.LedgerJson::of)
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "ledger " + ledgerId + " does not exist"));
    }

    @PostMapping("/ledgers/{ledgerId}/move")
    @Operation(summary = "Move a ledger to another cluster while it takes writes (operator key)",
            description = "Copies the ledger, catches up by sequence, fences the old copy for a short time (writes answer 503 with "
                    + "Retry-After), proves both copies equal (last sequence, SHA-256 of the canonical journal, every state table) and "
                    + "switches the directory (ADR 0022). Answers when the move is done: 409 LEDGER_MOVE_REFUSED when it cannot start, "
                    + "503 when a cluster failed it (nothing switched; run it again).")
    public Responses.MoveJson move(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable UUID ledgerId,
                                   @RequestBody Requests.MoveLedger body) {
        requireOperator(caller);
        Inputs.body(body);
        var report = new LedgerMover(clusters).move(ledgerId, Inputs.required(body.cluster(), "cluster"));
        audit.info("ledger {} moved from cluster {} to {} by the operator (fence {} ms)", ledgerId, report.from(), report.to(),
                report.fence().toMillis());
        return Responses.MoveJson.of(report);
    }

    @GetMapping("/clusters")
    @Operation(summary = "The database clusters (operator key)",
            description = "Each cluster as last probed (every few seconds): up or down, primary or standby, its synchronous "
                    + "standbys, the ledgers it holds and the size of its journal.")
    public Responses.ClustersJson clusters(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        requireOperator(caller);
        var ledgers = clusters.directory().ledgersPerCluster();
        return new Responses.ClustersJson(clusterHealth.statuses().stream()
                .map(s -> Responses.ClusterJson.of(s, ledgers.getOrDefault(s.cluster(), 0L), s.cluster().equals(clusters.catalog().name())))
                .toList());
    }

    @GetMapping("/ledgers")
    @Operation(summary = "List ledgers (operator key)")
    public List<Responses.LedgerJson> ledgers(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        requireOperator(caller);
        return admin.ledgers().stream().map(Responses.LedgerJson::of).toList();
    }

    @PostMapping("/ledgers/{ledgerId}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key for a ledger; the key is shown only in this response")
    public Responses.ApiKeyJson createKey(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                          @PathVariable UUID ledgerId, @RequestBody Requests.CreateKey body) {
        requireAdministers(caller, ledgerId);
        Inputs.body(body);
        var role = parseRole(Inputs.required(body.role(), "role"));
        if (body.name() != null && (body.name().length() > Limits.API_KEY_NAME_LENGTH_MAX || !StoredText.storable(body.name()))) {
            throw ApiException.validation("a key name has at most API_KEY_NAME_LENGTH_MAX " + Limits.API_KEY_NAME_LENGTH_MAX
                    + " characters, " + StoredText.RULE);
        }
        if (body.ratePerSecond() != null && (body.ratePerSecond() < 1 || body.ratePerSecond() > Limits.KEY_RATE_PER_SECOND_MAX)) {
            throw ApiException.validation("ratePerSecond must be between 1 and KEY_RATE_PER_SECOND_MAX " + Limits.KEY_RATE_PER_SECOND_MAX);
        }
        var created = admin.createKey(ledgerId, role, body.name(), body.ratePerSecond());
        audit.info("api key {} ({}, prefix {}) created for ledger {} by {}", created.key().id(), role.name().toLowerCase(),
                created.key().prefix(), ledgerId, caller.operator() ? "the operator" : "admin key " + caller.keyId());
        return Responses.ApiKeyJson.of(created.key(), created.secret());
    }

    @GetMapping("/ledgers/{ledgerId}/keys")
    @Operation(summary = "List a ledger's API keys (never their secrets)")
    public List<Responses.ApiKeyJson> keys(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                           @PathVariable UUID ledgerId) {
        requireAdministers(caller, ledgerId);
        return admin.keys(ledgerId).stream().map(k -> Responses.ApiKeyJson.of(k, null)).toList();
    }

    @DeleteMapping("/ledgers/{ledgerId}/keys/{keyId}")
    @Operation(summary = "Revoke an API key",
            description = "It stops working at once on the instance that answers, and within ledger.auth.key-cache-ms "
                    + "(1 s by default) on every other instance.")
    public ResponseEntity<Void> revoke(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                       @PathVariable UUID ledgerId, @PathVariable UUID keyId) {
        requireAdministers(caller, ledgerId);
        if (!admin.revokeKey(ledgerId, keyId)) {
            throw ApiException.of(ApiError.NOT_FOUND, "key " + keyId + " does not exist in ledger " + ledgerId);
        }
        keys.evict(keyId);
        audit.info("api key {} of ledger {} revoked by {}", keyId, ledgerId, caller.operator() ? "the operator" : "admin key " + caller.keyId());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/ledger-links")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Link two ledgers one way (operator key)",
            description = "The keys of 'from' may then send money to accounts of 'to' by a transfer with toLedger (ADR 0021); "
                    + "nothing of 'to' becomes readable to them. Linking twice is harmless (the same link answers).")
    public Responses.LedgerLinkJson link(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestBody Requests.LinkLedgers body) {
        requireOperator(caller);
        Inputs.body(body);
        var from = Inputs.required(body.from(), "from");
        var to = Inputs.required(body.to(), "to");
        if (from.equals(to)) {
            throw ApiException.validation("a ledger needs no link to itself");
        }
        for (var ledger : List.of(from, to)) {
            if (admin.ledger(ledger).isEmpty()) {
                throw ApiException.of(ApiError.NOT_FOUND, "ledger " + ledger + " does not exist");
            }
        }
        if (links.link(from, to)) {
            audit.info("ledger {} linked to ledger {} by the operator", from, to);
        }
        return links.links().stream().filter(l -> l.from().equals(from) && l.to().equals(to)).findFirst()
                .map(l -> new Responses.LedgerLinkJson(l.from(), l.to(), l.createdAt())).orElseThrow();
    }

    @GetMapping("/ledger-links")
    @Operation(summary = "The links between ledgers (operator key)")
    public List<Responses.LedgerLinkJson> links(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        requireOperator(caller);
        return links.links().stream().map(l -> new Responses.LedgerLinkJson(l.from(), l.to(), l.createdAt())).toList();
    }

    @DeleteMapping("/ledger-links/{from}/{to}")
    @Operation(summary = "Remove a link (operator key)", description = "Transfers between the two already started finish; no new one starts.")
    public ResponseEntity<Void> unlink(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                       @PathVariable UUID from, @PathVariable UUID to) {
        requireOperator(caller);
        if (!links.unlink(from, to)) {
            throw ApiException.of(ApiError.NOT_FOUND, "no link from ledger " + from + " to ledger " + to);
        }
        audit.info("link of ledger {} to ledger {} removed by the operator", from, to);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/verify")
    @Operation(summary = "Recompute every balance from the journal and check the trial balance",
            description = "The operator key verifies every ledger; a ledger admin key verifies its own ledger.")
    public Responses.VerificationJson verify(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        var report = caller.operator() ? journals.verifyAll() : journals.verify(caller.ledgerId());
        return new Responses.VerificationJson(report.clean(), report.ledgers(), report.accounts(), report.entries(), report.differences());
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw ApiException.of(ApiError.FORBIDDEN, "only the operator key manages ledgers");
        }
    }

    private void requireAdministers(Caller caller, UUID ledgerId) {
        if (!caller.administers(ledgerId)) {
            // Another ledger's objects do not exist for this key.
            throw ApiException.of(ApiError.NOT_FOUND, "ledger " + ledgerId + " does not exist");
        }
        if (admin.ledger(ledgerId).isEmpty()) {
            throw ApiException.of(ApiError.NOT_FOUND, "ledger " + ledgerId + " does not exist");
        }
    }

    private static ApiKeyRole parseRole(String role) {
        try {
            return ApiKeyRole.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("role must be read, write or admin, got '" + role + "'");
        }
    }

    /** The ledger's close time zone: absent is UTC; otherwise an IANA zone id (Europe/Paris), UTC, or an offset (+02:00). */
    private static ZoneId closeTimeZone(String text) {
        if (text == null) {
            return LedgerAdmin.UTC;
        }
        if (text.isEmpty() || text.length() > LedgerAdmin.CLOSE_TIME_ZONE_LENGTH_MAX) {
            throw ApiException.validation("closeTimeZone must be 1 to " + LedgerAdmin.CLOSE_TIME_ZONE_LENGTH_MAX
                    + " characters: an IANA time zone such as Europe/Paris, or UTC");
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw ApiException.validation("closeTimeZone '" + text + "' is not a time zone (an IANA id such as Europe/Paris, or UTC)");
        }
    }
}
