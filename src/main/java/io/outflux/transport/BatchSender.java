package io.outflux.transport;

import io.outflux.batch.Batch;
import io.vertx.core.Future;
import java.net.URI;

/** One attempt to hand a batch to one server. Never fails the future: every outcome is a {@link SendResult}. */
public interface BatchSender {

  Future<SendResult> send(URI server, Batch batch);
}
