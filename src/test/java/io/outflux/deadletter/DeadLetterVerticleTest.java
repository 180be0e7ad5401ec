package io.outflux.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.RejectedLines;
import io.outflux.client.ClientBus;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.spool.DeadLetter;
import io.outflux.spool.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter file's one owner: everyone sends to it, in order, and it outlives its writers. */
@ExtendWith(VertxExtension.class)
class DeadLetterVerticleTest {

  @TempDir
  Path dir;
  Vertx vertx;
  Path file;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.file = dir.resolve("metrics.lp.deadletter");
    ClientBus.registerCodecs(vertx);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static DeadLetter letter(String line) {
    return new DeadLetter(Instant.EPOCH, "validation", "bad", "metrics.lp", 7, -1,
        line.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void quarantinedLinesAndInfluxDbRejectsAreAppendedInOrderAndASyncAnsweredMeansAllOfThemAreOnDisk()
      throws Exception {
    Files.writeString(file, "{\"earlier\":1}\n");
    DeadLetterVerticle owner = new DeadLetterVerticle(file, io.outflux.client.ClientMeters.of("dl-test"));
    get(vertx.deployVerticle(owner));
    get(vertx.eventBus().request(ClientBus.DEAD_LETTER, new DeadLetters(List.of(letter("a")), false),
        ClientBus.DEAD_LETTER_WAIT));
    for (int i = 0; i < 50; i++) { // published, not answered: the sync after them must find them all written
      vertx.eventBus().publish(ClientBus.DEAD_LETTER, new RejectedLines(i, List.of(new RejectedLine("r" + i, "refused"))),
          ClientBus.LOCAL);
    }
    get(vertx.eventBus().request(ClientBus.DEAD_LETTER, DeadLetters.SYNC, ClientBus.DEAD_LETTER_WAIT));
    List<String> records = Files.readAllLines(file);
    assertEquals(52, records.size(), records.toString());
    assertEquals("a", new JsonObject(records.get(1)).getString("line"));
    for (int i = 0; i < 50; i++) {
      JsonObject r = new JsonObject(records.get(i + 2));
      assertEquals("influxdb", r.getString("stage"));
      assertEquals("r" + i, r.getString("line"));
      assertEquals(i, r.getLong("batch"));
    }
    assertEquals(51, owner.deadLettered());
    JsonObject status = get(vertx.eventBus().<JsonObject>request(ClientBus.STATUS_DEAD_LETTER, null)).body();
    assertEquals(file.toString(), status.getString("deadLetterFile"));
    assertEquals(51, status.getLong("deadLetteredSinceStart"));
    assertEquals(52, status.getLong("deadLetterRecords"), "the earlier run's record and this run's");
  }

  /** Stands in for the tail: syncs the dead-letter file in its own stop, as its last checkpoint save does. */
  static final class Writer extends VerticleBase {
    final AtomicReference<String> syncAtStop = new AtomicReference<>();

    @Override
    public Future<?> stop() {
      return vertx.eventBus().request(ClientBus.DEAD_LETTER, new DeadLetters(List.of(letter("last")), true),
              ClientBus.DEAD_LETTER_WAIT)
          .onComplete(ar -> syncAtStop.set(ar.succeeded() ? "ok" : ar.cause().toString()))
          .otherwiseEmpty();
    }
  }

  @Test
  void theStagesThatWriteToItAreItsChildrenSoTheyStopBeforeIt() throws Exception {
    Writer writer = new Writer();
    String id = get(vertx.deployVerticle(new DeadLetterVerticle(file, io.outflux.client.ClientMeters.of("dl-test"), () -> vertx.deployVerticle(writer))));
    get(vertx.undeploy(id));
    assertEquals("ok", writer.syncAtStop.get(), "the owner was still there when the writer stopped");
    assertTrue(Files.readString(file).contains("\"line\":\"last\""));
  }
}
