package io.outflux.spool;

import io.outflux.batch.FlushOrder;
import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where a flush enters the client ({@link ClientBus#FLUSH}, whoever asks: the admin endpoint, the
 * shutdown hook, the server). The tail owns the spool, so it fixes the target (the end of the
 * complete lines there now), looks for new lines at once, and hands the flush down to the batcher
 * ({@link ClientBus#FLUSH_BATCHES}); the batcher's answer is relayed to the caller.
 */
final class FlushEntry {

  private final Vertx vertx;
  private final Path spool;
  private final Supplier<SpoolPosition> readPosition;
  private final Runnable readNow;

  /**
   * @param readPosition where the live reader is (event loop), to bound the look for the last newline
   * @param readNow look for new lines now rather than at the next poll
   */
  FlushEntry(Vertx vertx, Path spool, Supplier<SpoolPosition> readPosition, Runnable readNow) {
    this.vertx = vertx;
    this.spool = spool;
    this.readPosition = readPosition;
    this.readNow = readNow;
  }

  void register() {
    vertx.eventBus().localConsumer(ClientBus.FLUSH, this::onFlush);
  }

  private void onFlush(Message<Object> request) {
    boolean force = FlushRequest.forceOf(request.body());
    Duration timeout = FlushRequest.timeoutOf(request.body());
    SpoolPosition read = readPosition.get();
    vertx.executeBlocking(() -> SpoolEnd.of(spool, read, SpoolEnd.EXACT), false)
        .onFailure(err -> request.fail(FlushRequest.FAILED_BLOCKED, "cannot read the spool's size ("
            + spool + "): " + err.getMessage()))
        .onSuccess(target -> {
          vertx.eventBus().<JsonObject>request(ClientBus.FLUSH_BATCHES, new FlushOrder(target, timeout, force),
                  ClientBus.flushWait(timeout))
              .onSuccess(reply -> request.reply(reply.body()))
              .onFailure(err -> request.fail(code(err), err.getMessage()));
          readNow.run();
        });
  }

  /** The batcher's failure code; a batcher that did not answer in time counts as a timeout. */
  private static int code(Throwable err) {
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return r.failureCode();
    }
    return err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        ? FlushRequest.FAILED_BLOCKED : FlushRequest.FAILED_TIMEOUT;
  }
}
