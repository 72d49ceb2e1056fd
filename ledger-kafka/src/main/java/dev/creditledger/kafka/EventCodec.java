package dev.creditledger.kafka;

import dev.creditledger.core.events.EventJson;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads an event payload back into a {@link LedgerEvent}; {@link EventJson} writes it. Decoding streams Jackson's
 * tokens into the event's records ({@link EventReader}), from the record's bytes as the projector receives them or
 * from a string. It is strict: bytes that are not UTF-8, text that is not one JSON object, a field given twice, a
 * missing field, a wrong type, an unknown event type or a schema version other than {@link EventType#SCHEMA_VERSION}
 * is an {@link UndecodableEventException} naming the problem, which a consumer sends to its dead-letter topic rather
 * than guess. Unknown fields are skipped.
 *
 * A field given twice is refused (Jackson's strict duplicate detection, at every depth, metadata keys and unknown
 * fields included) rather than letting one copy win: the encoder never writes one, so a payload that has one did not
 * come from it.
 */
public final class EventCodec {

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** How many leading bytes Jackson's byte parser looks at to guess the encoding (ByteSourceJsonBootstrapper). */
    private static final int ENCODING_GUESS_BYTES = 4;

    private EventCodec() {}

    public static String encode(LedgerEvent event) {
        return EventJson.encode(event);
    }

    /** Decodes the UTF-8 bytes of a payload, as a Kafka record holds them: the projector's path, with no copy as a string. */
    public static LedgerEvent decode(byte[] payload) {
        if (!Utf8.isWellFormed(payload)) {
            throw new UndecodableEventException("the payload is not UTF-8");
        }
        refuseEncodingGuess(payload);
        return read(() -> JSON.createParser(ObjectReadContext.empty(), payload));
    }

    /** Decodes a payload already held as a string (tests and tools that read records as strings). */
    public static LedgerEvent decode(String payload) {
        return read(() -> JSON.createParser(ObjectReadContext.empty(), payload));
    }

    private static LedgerEvent read(Supplier<JsonParser> payload) {
        try {
            return EventReader.read(payload);
        } catch (JacksonException e) {
            throw new UndecodableEventException("the payload is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Jackson's byte parser guesses the encoding from the first bytes: it skips a UTF-8 byte order mark, and NUL bytes
     * there make it read UTF-16 or UTF-32. An event is UTF-8 JSON, which has neither (a NUL must be escaped, and
     * RFC 8259 forbids the mark), and a string with either is refused; so are these bytes, before the parser guesses.
     */
    private static void refuseEncodingGuess(byte[] payload) {
        if (payload.length >= 3 && payload[0] == (byte) 0xEF && payload[1] == (byte) 0xBB && payload[2] == (byte) 0xBF) {
            throw new UndecodableEventException("the payload is not JSON: it starts with a byte order mark");
        }
        for (int i = 0; i < Math.min(payload.length, ENCODING_GUESS_BYTES); i++) {
            if (payload[i] == 0) {
                throw new UndecodableEventException("the payload is not JSON: it has a NUL byte");
            }
        }
    }
}
