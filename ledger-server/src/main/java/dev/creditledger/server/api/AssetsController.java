package dev.creditledger.server.api;

import dev.creditledger.core.Asset;
import dev.creditledger.core.Limits;
import dev.creditledger.core.Reason;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The assets (currencies and custom units) of the caller's ledger. */
@RestController
@RequestMapping("/v1/assets")
@Tag(name = "Assets")
public class AssetsController {

    private final LedgerAdmin admin;

    public AssetsController(LedgerAdmin admin) {
        this.admin = admin;
    }

    @GetMapping
    @Operation(summary = "List the ledger's assets")
    public List<Responses.AssetJson> list(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return admin.assets(caller.ledgerId()).stream().map(a -> new Responses.AssetJson(a.code(), a.exponent())).toList();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Define a custom asset (admin key)", description = "Code: upper-case, up to 16 characters; exponent 0 to 18.")
    public Responses.AssetJson define(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                      @RequestBody Requests.DefineAsset body) {
        Inputs.body(body);
        if (!caller.role().allows(ApiKeyRole.ADMIN)) {
            throw ApiException.of(ApiError.FORBIDDEN, "defining assets needs an admin key of the ledger");
        }
        var code = Inputs.required(body.code(), "code");
        int exponent = Inputs.required(body.exponent(), "exponent");
        if (!Asset.isValidCode(code) || exponent < 0 || exponent > Limits.ASSET_EXPONENT_MAX) {
            throw ApiException.of(Reason.ASSET_INVALID, "asset code must match [A-Z][A-Z0-9_]{0,15} and exponent be 0 to "
                    + Limits.ASSET_EXPONENT_MAX);
        }
        var asset = admin.defineAsset(caller.ledgerId(), new Asset(code, exponent));
        return new Responses.AssetJson(asset.code(), asset.exponent());
    }
}
