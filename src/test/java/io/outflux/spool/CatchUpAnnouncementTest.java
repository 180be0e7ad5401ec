package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outflux.client.ClientBus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catch-up split's hand-over: a batcher that does not answer in time may have split already
 * (its answer on its way), so the tail asks again rather than reading on in order; the same split
 * twice changes nothing there. Before, one timeout sent the tail on in order while the batcher
 * waited for history lines for good.
 */
@ExtendWith(VertxExtension.class)
class CatchUpAnnouncementTest {

  private static final DeliveryOptions SHORT = new DeliveryOptions().setLocalOnly(true).setSendTimeout(200);
  private static final Checkpoint.CatchUp SPLIT = new Checkpoint.CatchUp(
      new SpoolPosition(new FileId(1, 2), "metrics.lp", 100, ""), new SpoolPosition(new FileId(1, 2), "metrics.lp", 100, ""));

  @Test
  void aSplitNotAnsweredInTimeIsAskedAgainUntilTheBatcherAnswers(Vertx vertx) throws Exception {
    ClientBus.registerCodecs(vertx);
    AtomicInteger asked = new AtomicInteger();
    vertx.eventBus().<Checkpoint.CatchUp>localConsumer(ClientBus.CATCH_UP, msg -> {
      if (asked.incrementAndGet() >= 3) { // the first two answers come too late (never, here)
        msg.reply(null);
      }
    });
    CatchUpAnnouncement.announce(vertx, SPLIT, SHORT, () -> false).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    assertEquals(3, asked.get());
  }

  @Test
  void noBatcherAtAllMeansNoSplitAndFailsAtOnce(Vertx vertx) {
    ClientBus.registerCodecs(vertx);
    ExecutionException e = assertThrows(ExecutionException.class, () -> CatchUpAnnouncement.announce(vertx, SPLIT,
        SHORT, () -> false).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) e.getCause()).failureType());
  }

  @Test
  void aStoppingTailGivesUp(Vertx vertx) {
    ClientBus.registerCodecs(vertx);
    vertx.eventBus().<Checkpoint.CatchUp>localConsumer(ClientBus.CATCH_UP, msg -> { });
    ExecutionException e = assertThrows(ExecutionException.class, () -> CatchUpAnnouncement.announce(vertx, SPLIT,
        SHORT, () -> true).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) e.getCause()).failureType());
  }
}
