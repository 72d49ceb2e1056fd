package dev.creditledger.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesVersion00AndRefusesEverythingElse() {
        var context = TraceContext.parse(VALID);
        assertThat(context.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(context.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(context.sampled()).isTrue();
        assertThat(context.traceparent()).isEqualTo(VALID);
        assertThat(TraceContext.parse(null)).isNull();
        assertThat(TraceContext.parse(VALID.replace("-01", "-00")).sampled()).isFalse();
        assertThat(TraceContext.parse("01" + VALID.substring(2))).isNull();
        assertThat(TraceContext.parse("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isNull();
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01")).isNull();
        assertThat(TraceContext.parse(VALID.toUpperCase())).isNull();
    }

    @Test
    void refusesEveryMalformedCharacterAndLength() {
        assertThat(TraceContext.isValid(VALID)).isTrue();
        assertThat(TraceContext.isValid(VALID + "0")).isFalse();
        assertThat(TraceContext.isValid(VALID.substring(0, TraceContext.LENGTH - 1))).isFalse();
        assertThat(TraceContext.isValid("")).isFalse();
        for (int i = 0; i < VALID.length(); i++) {
            char c = VALID.charAt(i);
            // Every position refuses a character outside its class: a dash where a digit belongs, 'g' or 'A' anywhere.
            for (char wrong : new char[] {'g', 'A', '-', ' '}) {
                if (wrong == c) {
                    continue;
                }
                var broken = VALID.substring(0, i) + wrong + VALID.substring(i + 1);
                assertThat(TraceContext.isValid(broken)).as("%s at %d", wrong, i).isFalse();
            }
        }
        // Flags may be any two lowercase hex digits; only the ids refuse all zeros.
        assertThat(TraceContext.isValid(VALID.substring(0, 53) + "ff")).isTrue();
        assertThat(TraceContext.isValid(VALID.substring(0, 53) + "00")).isTrue();
    }

    @Test
    void aChildKeepsTheTraceAndFlagsWithANewSpan() {
        var parent = TraceContext.parse(VALID);
        var child = parent.child();
        assertThat(child.traceId()).isEqualTo(parent.traceId());
        assertThat(child.flags()).isEqualTo("01");
        assertThat(child.spanId()).matches("[0-9a-f]{16}").isNotEqualTo(parent.spanId()).isNotEqualTo("0".repeat(16));
        assertThat(TraceContext.parse(child.traceparent())).isEqualTo(child);
        var fresh = TraceContext.newTrace();
        assertThat(fresh.traceId()).matches("[0-9a-f]{32}");
        assertThat(fresh.sampled()).isTrue();
    }
}
