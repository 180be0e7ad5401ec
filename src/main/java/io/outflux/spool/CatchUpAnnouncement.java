package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the batcher the spool's split for a newest-first catch-up ({@link ClientBus#CATCH_UP}),
 * asking again while it does not answer in time. A timeout does not say the batcher did not split:
 * its answer may be on its way. Reading on in order after a split the batcher made would leave its
 * history lane waiting for history lines that never come, the checkpoint stuck before the boundary
 * and every flush failing; the same split asked again changes nothing there, so asking until it
 * answers is exact. Any other failure (no batcher: it is stopping) means it did not split.
 */
final class CatchUpAnnouncement {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private CatchUpAnnouncement() {
  }

  /**
   * @param wait the bound of each request ({@link ClientBus#CATCH_UP_WAIT})
   * @param stopped the tail is stopping: give up
   * @return succeeded once the batcher set up its lanes; failed when it surely did not
   */
  static Future<Void> announce(Vertx vertx, Checkpoint.CatchUp split, DeliveryOptions wait, BooleanSupplier stopped) {
    return announce(vertx, split, wait, stopped, 1);
  }

  private static Future<Void> announce(Vertx vertx, Checkpoint.CatchUp split, DeliveryOptions wait,
                                       BooleanSupplier stopped, int attempt) {
    return vertx.eventBus().request(ClientBus.CATCH_UP, split, wait).<Void>mapEmpty().recover(err -> {
      if (!(err instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) || stopped.getAsBoolean()) {
        return Future.failedFuture(err);
      }
      if (attempt == 1 || Integer.bitCount(attempt) == 1) {
        log.warn("the batcher did not answer the newest-first catch-up split at {} offset {} within {} ms "
            + "(attempt {}); asking again (the same split twice changes nothing)", split.boundary().name(),
            split.boundary().offset(), wait.getSendTimeout(), attempt);
      }
      return announce(vertx, split, wait, stopped, attempt + 1);
    });
  }
}
