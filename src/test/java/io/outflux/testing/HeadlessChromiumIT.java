package io.outflux.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The browser harness against the real chromium: what it must not share, and what it must not leave behind. */
class HeadlessChromiumIT {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * The cause of FleetPageIT's "wrote no DevToolsActivePort within 30 s": every chromium takes an exclusive
   * flock on the crash database in {@code ~/.config/chromium} before it prints anything, so one process
   * holding it kept the next browser waiting silently. Hold that lock (flock(1), the kind chromium takes)
   * for the whole test: a browser with its own HOME does not care.
   */
  @Test
  void aBrowserStartsWhileTheUsersChromiumCrashDatabaseIsLocked() throws Exception {
    Path settings = Path.of(System.getProperty("user.home"), ".config", "chromium", "Crash Reports", "settings.dat");
    Files.createDirectories(settings.getParent());
    if (!Files.exists(settings)) {
      Files.createFile(settings);
    }
    Process holder = new ProcessBuilder("flock", "--exclusive", settings.toString(), "sleep", "120")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // flock(1) holds the lock once it runs sleep
      await().atMost(Duration.ofSeconds(10))
          .until(() -> holder.descendants().findAny().isPresent());
      try (HeadlessChromium chromium = HeadlessChromium.start(vertx, 800, 600)) {
        chromium.navigate("about:blank");
        assertEquals(2L, ((Number) chromium.evaluate("1 + 1")).longValue());
      }
    } finally {
      holder.descendants().forEach(ProcessHandle::destroyForcibly);
      holder.destroyForcibly().waitFor();
    }
  }

  /** close() returns once the browser, its renderers and zygotes and the crash handlers it double-forked are gone. */
  @Test
  void closeReturnsOnceEveryProcessOfTheBrowserIsGone() throws Exception {
    List<ProcessHandle> processes;
    Set<Long> outsideTheTree;
    try (HeadlessChromium chromium = HeadlessChromium.start(vertx, 800, 600)) {
      chromium.navigate("about:blank");
      processes = chromium.processes();
      ProcessHandle browser = processes.get(0);
      Set<Long> tree = browser.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
      outsideTheTree = processes.stream().map(ProcessHandle::pid)
          .filter(pid -> pid != browser.pid() && !tree.contains(pid)).collect(Collectors.toSet());
    }
    assertTrue(processes.size() > 3, "the browser runs helpers: " + processes);
    List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
    assertEquals(List.of(), alive, "no process of the browser outlives close() (" + outsideTheTree.size()
        + " of " + processes.size() + " were outside its process tree: " + outsideTheTree + ")");
  }
}
