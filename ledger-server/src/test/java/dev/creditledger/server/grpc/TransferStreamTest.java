package dev.creditledger.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Limits;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import dev.creditledger.grpc.v1.TransferResponse;
import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A stream's ordering and flow control, with the transport played by a fake that delivers a request only when
 * one was asked for, and the engine by futures the test completes in any order.
 */
class TransferStreamTest {

    /** The transport's side of the call: what the stream asked for and what it wrote. */
    static final class Transport extends ServerCallStreamObserver<StreamTransfersResponse> {
        int requested;
        boolean autoRequestDisabled;
        boolean ready = true;
        boolean completed;
        Runnable onReady;
        Runnable onCancel;
        final List<StreamTransfersResponse> written = new ArrayList<>();

        @Override public boolean isCancelled() { return false; }
        @Override public void setOnCancelHandler(Runnable handler) { onCancel = handler; }
        @Override public void setCompression(String compression) {}
        @Override public void disableAutoRequest() { autoRequestDisabled = true; }
        @Override public void disableAutoInboundFlowControl() { autoRequestDisabled = true; }
        @Override public boolean isReady() { return ready; }
        @Override public void setOnReadyHandler(Runnable handler) { onReady = handler; }
        @Override public void request(int count) { requested += count; }
        @Override public void setMessageCompression(boolean enable) {}
        @Override public void onNext(StreamTransfersResponse value) {
            assertThat(completed).as("an answer after the end").isFalse();
            written.add(value);
        }
        @Override public void onError(Throwable t) { throw new AssertionError("the stream failed", t); }
        @Override public void onCompleted() { completed = true; }
    }

    private final Transport transport = new Transport();
    private final Metadata trailers = new Metadata();
    private final List<CompletableFuture<StreamTransfersResponse>> submitted = new ArrayList<>();
    private final TransferStream stream = new TransferStream(transport, trailers, (index, request) -> {
        var answer = new CompletableFuture<StreamTransfersResponse>();
        submitted.add(answer);
        return answer;
    }, Runnable::run);

    /** Delivers one request if the stream asked for one, as the transport does; false when it did not. */
    private boolean deliver() {
        if (transport.requested == 0) {
            return false;
        }
        transport.requested--;
        stream.onNext(CreateTransferRequest.getDefaultInstance());
        return true;
    }

    private void answer(int index, long seq) {
        submitted.get(index).complete(StreamTransfersResponse.newBuilder().setIndex(index)
                .setAccepted(TransferResponse.newBuilder().setSeq(seq)).build());
    }

    @Test
    void atMostTheWindowIsReadBeforeAnAnswerIsWritten() {
        assertThat(transport.autoRequestDisabled).isTrue();
        int read = 0;
        while (deliver()) {
            read++;
        }
        assertThat(read).isEqualTo(Limits.STREAM_TRANSFERS_IN_FLIGHT_MAX);
        assertThat(submitted).hasSize(Limits.STREAM_TRANSFERS_IN_FLIGHT_MAX).noneMatch(CompletableFuture::isDone);

        answer(1, 20); // not the head: nothing is written, nothing more is read
        assertThat(deliver()).isFalse();
        answer(0, 10); // the head and the next are written: two more may be read
        assertThat(transport.written).extracting(StreamTransfersResponse::getIndex).containsExactly(0L, 1L);
        assertThat(deliver()).isTrue();
        assertThat(deliver()).isTrue();
        assertThat(deliver()).isFalse();
        assertThat(submitted).hasSize(Limits.STREAM_TRANSFERS_IN_FLIGHT_MAX + 2);
    }

    @Test
    void answersAreWrittenInRequestOrderWhateverOrderTheyCommitIn() {
        for (int i = 0; i < 5; i++) {
            deliver();
        }
        answer(4, 50);
        answer(2, 30);
        assertThat(transport.written).isEmpty();
        answer(0, 10);
        assertThat(transport.written).extracting(StreamTransfersResponse::getIndex).containsExactly(0L);
        answer(1, 20);
        assertThat(transport.written).extracting(StreamTransfersResponse::getIndex).containsExactly(0L, 1L, 2L);
        answer(3, 40);
        assertThat(transport.written).extracting(StreamTransfersResponse::getIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void nothingIsWrittenWhileTheTransportIsNotReady() {
        deliver();
        transport.ready = false;
        answer(0, 10);
        assertThat(transport.written).isEmpty();
        transport.ready = true;
        transport.onReady.run();
        assertThat(transport.written).hasSize(1);
    }

    @Test
    void theCallEndsAfterTheLastAnswerWithTheHighestSequence() {
        deliver();
        deliver();
        stream.onCompleted();
        assertThat(transport.completed).isFalse();
        answer(1, 7);
        assertThat(transport.completed).isFalse();
        answer(0, 9);
        assertThat(transport.completed).isTrue();
        assertThat(trailers.get(TransfersService.SEQ)).isEqualTo("9");
    }

    @Test
    void aStreamWithoutAnAcceptedTransferHasNoSequence() {
        stream.onCompleted();
        assertThat(transport.completed).isTrue();
        assertThat(trailers.get(TransfersService.SEQ)).isNull();
    }

    @Test
    void afterACancelNothingIsWritten() {
        deliver();
        transport.onCancel.run();
        answer(0, 10);
        deliver();
        answer(1, 11);
        stream.onCompleted();
        assertThat(transport.written).isEmpty();
        assertThat(transport.completed).isFalse();
    }
}
