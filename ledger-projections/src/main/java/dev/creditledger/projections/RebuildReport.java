package dev.creditledger.projections;

import java.time.Duration;
import java.util.List;

/**
 * What a rebuild did.
 *
 * @param eventsRead    records read from the start of every partition up to the end offsets taken at the start
 * @param eventsApplied events the model took (applied, or found applied already by the live projector: the
 *                      models deduplicate by account version, not by event, so the two are not told apart)
 * @param eventsSkipped records that could not be applied (undecodable or refused); they are the live
 *                      projector's dead letters
 * @param skipReasons   the reasons of the first {@link ProjectionRebuilder#SKIP_REASONS_MAX} skipped records
 */
public record RebuildReport(ReadModel model, long eventsRead, long eventsApplied, long eventsSkipped, List<String> skipReasons,
                            Duration duration) {
    public RebuildReport {
        skipReasons = List.copyOf(skipReasons);
    }
}
