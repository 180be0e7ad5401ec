package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transport's part of a flush the batcher handed down: held until done, or failed with the reason. */
@ExtendWith(VertxExtension.class)
class SendingFlushesTest {

  private static final String ADDRESS = "test.sending-flushes";
  private Vertx vertx;
  /** The one event loop the flushes are confined to, as in the transport. */
  private io.vertx.core.Context context;
  private volatile SendingFlushes flushes;
  private final AtomicReference<Optional<String>> closed = new AtomicReference<>(Optional.empty());
  private final List<Boolean> overrides = new CopyOnWriteArrayList<>();
  private final AtomicBoolean credentialsRetried = new AtomicBoolean();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    ClientBus.registerCodecs(vertx);
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      flushes = new SendingFlushes(vertx, new SendingFlushes.Link() {
        @Override
        public Optional<String> closedBeyond(Duration timeout) {
          return closed.get();
        }

        @Override
        public void override(boolean on) {
          overrides.add(on);
        }

        @Override
        public void retryCredentialsNow() {
          credentialsRetried.set(true);
        }

        @Override
        public String lastProblem() {
          return "Connection refused";
        }
      });
      vertx.eventBus().<SendingFlush>localConsumer(ADDRESS, msg -> flushes.on(msg));
    });
    io.outflux.testing.Await.until(() -> flushes, f -> f != null, Duration.ofSeconds(10));
  }

  private Future<Message<Object>> ask(SendingFlush flush) {
    return vertx.eventBus().request(ADDRESS, flush, ClientBus.flushWait(flush.timeout()));
  }

  private static ReplyException failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (ReplyException) e.getCause();
    }
    throw new AssertionError("the flush did not fail");
  }

  @Test
  void aForcedFlushOpensTheLinkUntilTheBatcherSaysItIsDone() throws Exception {
    closed.set(Optional.of("outside the transfer windows until 22:00"));
    SendingFlush forced = SendingFlush.start(1, Duration.ofSeconds(30), true);
    Future<Message<Object>> held = ask(forced);
    io.outflux.testing.Await.until(() -> overrides, o -> o.equals(List.of(true)), Duration.ofSeconds(10));
    assertTrue(credentialsRetried.get(), "refused credentials are tried again at once");
    vertx.eventBus().send(ADDRESS, forced.finished(), ClientBus.LOCAL);
    held.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(List.of(true, false), overrides);
  }

  @Test
  void aFlushFailsAtOnceWhenTheLinkStaysClosedBeyondItsTimeout() throws Exception {
    closed.set(Optional.of("outside the transfer windows until 22:00"));
    ReplyException e = failure(ask(SendingFlush.start(2, Duration.ofSeconds(30), false)));
    assertEquals(FlushRequest.FAILED_LINK_CLOSED, e.failureCode());
    assertTrue(e.getMessage().contains("22:00"), e.getMessage());
    assertEquals(List.of(), overrides, "an unforced flush never opens the windows");
  }

  @Test
  void refusedCredentialsFailEveryHeldFlushWithTheReason() throws Exception {
    Future<Message<Object>> held = ask(SendingFlush.start(3, Duration.ofSeconds(30), false));
    io.outflux.testing.Await.until(credentialsRetried::get, r -> r, Duration.ofSeconds(10));
    context.runOnContext(v -> flushes.blocked("the server refused the InfluxDB credentials of edge"));
    ReplyException e = failure(held);
    assertEquals(FlushRequest.FAILED_BLOCKED, e.failureCode());
    assertTrue(e.getMessage().contains("credentials of edge"), e.getMessage());
  }

  @Test
  void aFlushNotDoneWithinItsTimeoutFailsWithTheLastProblem() throws Exception {
    ReplyException e = failure(ask(SendingFlush.start(4, Duration.ofMillis(300), true)));
    assertEquals(FlushRequest.FAILED_TIMEOUT, e.failureCode());
    assertEquals("Connection refused", e.getMessage());
    io.outflux.testing.Await.until(() -> overrides, o -> o.equals(List.of(true, false)), Duration.ofSeconds(10));
  }
}
