package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers batches to the outflux servers, retrying each until it is acknowledged: nothing is
 * dropped, whatever the failure. Connection failures move to the next server in the list; a
 * rejected credential or an unknown database is logged loudly and retried with backoff, because
 * the fix (a password, a CREATE DATABASE) is made outside and the data must wait for it.
 */
public final class TransportVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);

  private final String clientId;
  private final InfluxTarget target;
  private final TransportConfig config;
  private final String configSource;
  private WebClient client;
  private BatchSender sender;
  private Backoff backoff;
  private int serverIndex;
  private boolean stopped;

  public TransportVerticle(String clientId, InfluxTarget target, TransportConfig config, String configSource) {
    this.clientId = clientId;
    this.target = target;
    this.config = config;
    this.configSource = configSource;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, config.tls().apply(new WebClientOptions()
        .setKeepAlive(true)
        .setUserAgent("outflux-client")), new PoolOptions().setHttp1MaxSize(8));
    sender = new HttpBatchSender(client, clientId, target, config.requestTimeout());
    backoff = new Backoff(config.retryInitialDelay(), config.retryMaxDelay(), ThreadLocalRandom.current()::nextDouble);
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, this::onBatch);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    client.close();
    return Future.succeededFuture();
  }

  private void onBatch(Message<Batch> msg) {
    Promise<Delivery> delivered = Promise.promise();
    attempt(msg.body(), 0, delivered);
    delivered.future().onSuccess(msg::reply);
  }

  private void attempt(Batch batch, int failures, Promise<Delivery> delivered) {
    if (stopped) {
      return;
    }
    URI server = config.servers().get(serverIndex % config.servers().size());
    sender.send(server, batch).onSuccess(result -> {
      if (result instanceof SendResult.Acked acked) {
        if (failures > 0) {
          log.info("batch {} delivered to {} after {} failed attempts", batch.seq(), server, failures);
        }
        var reply = acked.reply();
        delivered.complete(new Delivery(batch.seq(), reply.written(), reply.rejected()));
      } else if (result instanceof SendResult.Retryable r) {
        serverIndex++;
        retry(batch, failures + 1, delivered, backoff.delay(failures + 1, r.retryAfter()), r.reason());
      } else if (result instanceof SendResult.AuthRejected a) {
        retry(batch, failures + 1, delivered, backoff.delay(failures + 1, Optional.empty()),
            "the server refused the InfluxDB credentials of " + target.credentials().principal()
                + " (HTTP " + a.status() + ": " + a.reason() + "); check influx.username and influx.password in "
                + configSource);
      } else if (result instanceof SendResult.Refused f) {
        retry(batch, failures + 1, delivered, backoff.delay(failures + 1, Optional.empty()),
            "the server refused the batch (HTTP " + f.status() + ": " + f.reason() + ")");
      }
    });
  }

  private void retry(Batch batch, int failures, Promise<Delivery> delivered, java.time.Duration delay, String reason) {
    // log the first failure and then sparsely, so an outage of hours does not flood the log
    if (failures == 1 || Integer.bitCount(failures) == 1) {
      log.warn("batch {} ({} lines) not delivered, attempt {}: {}; retrying in {} ms",
          batch.seq(), batch.lines(), failures, reason, delay.toMillis());
    }
    vertx.setTimer(delay.toMillis(), id -> attempt(batch, failures, delivered));
  }
}
