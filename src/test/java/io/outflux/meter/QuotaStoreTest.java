package io.outflux.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class QuotaStoreTest {

  @Test
  void theCountSurvivesARestartAndAnAbsentFileIsNoCount(@TempDir Path dir) throws Exception {
    QuotaStore store = new QuotaStore(dir.resolve("metrics.lp.checkpoint.quota"));
    assertEquals(Optional.empty(), store.load());
    store.save(new LinkMeter.QuotaUsage(LocalDate.parse("2026-11-29"), 123_456));
    store.save(new LinkMeter.QuotaUsage(LocalDate.parse("2026-11-29"), 234_567));
    assertEquals(Optional.of(new LinkMeter.QuotaUsage(LocalDate.parse("2026-11-29"), 234_567)),
        new QuotaStore(store.file()).load());
    assertTrue(!Files.exists(dir.resolve("metrics.lp.checkpoint.quota.tmp")), "the temp file was renamed");
  }

  @Test
  void aCorruptFileIsReportedNamingIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("q"), "{\"day\":\"yesterday\"}");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new QuotaStore(file).load());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void theInterfaceStateIsReadFromOperstate(Vertx vertx, @TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("wwan0"));
    Files.createDirectories(root.resolve("ppp0"));
    InterfaceState state = InterfaceState.sysfs(vertx, root);
    Files.writeString(root.resolve("wwan0/operstate"), "down\n");
    Files.writeString(root.resolve("ppp0/operstate"), "unknown\n");
    assertEquals(false, get(state, "wwan0"));
    assertEquals(true, get(state, "ppp0"), "point-to-point links report unknown while up");
    Files.writeString(root.resolve("wwan0/operstate"), "up\n");
    assertEquals(true, get(state, "wwan0"));
    assertEquals(false, get(state, "gone0"), "an interface that disappeared is down");
  }

  private static boolean get(InterfaceState state, String name) throws Exception {
    return state.isUp(name).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
