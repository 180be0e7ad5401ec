package io.outflux.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's start failures and clean-up, with shell scripts standing in for a browser that misbehaves. */
class HeadlessChromiumTest {

  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dir;

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aMissingBrowserFailsWithHowToInstallIt() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> HeadlessChromium.start(vertx, Path.of("/nonexistent/chromium"), 800, 600, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("apt-get install -y chromium"), e.getMessage());
  }

  @Test
  void aBrowserThatExitsReportsItsExitStatusAndItsOwnLog() throws Exception {
    Path browser = script("exits", "echo \"no display here (args: $*)\" >&2\nexit 3\n");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> HeadlessChromium.start(vertx, browser, 800, 600, Duration.ofSeconds(20)));
    assertTrue(e.getMessage().contains("exited with status 3"), e.getMessage());
    assertTrue(e.getMessage().contains("no display here (args: --headless"), "the browser's stderr: " + e.getMessage());
  }

  /**
   * A browser that never listens, with a helper it double-forked out of its process tree (as chromium's
   * crashpad handler does): the failure says it still ran and what it printed, and both are killed.
   */
  @Test
  void aBrowserThatNeverListensIsKilledWithTheHelperItDaemonized() throws Exception {
    Path helperPid = dir.resolve("helper.pid");
    Path browser = script("hangs", "echo 'waiting for a lock'\n"
        + "( sh -c 'echo $$ > " + helperPid + "; exec sleep 600' & )\n"
        + "exec sleep 600\n");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> HeadlessChromium.start(vertx, browser, 800, 600, Duration.ofSeconds(2)));
    assertTrue(e.getMessage().contains("is still running"), e.getMessage());
    assertTrue(e.getMessage().contains("waiting for a lock"), e.getMessage());
    long helper = Long.parseLong(Files.readString(helperPid).trim());
    assertTrue(e.getMessage().contains(" " + helper + " "), "the daemonized helper is listed: " + e.getMessage());
    assertFalse(ProcessHandle.of(helper).map(ProcessHandle::isAlive).orElse(false),
        "the helper outside the browser's process tree is killed too");
  }

  @Test
  void helpersOfAJvmThatDiedAreKilledBeforeTheNextBrowserStarts() throws Exception {
    // a marked process whose owner (a pid no process has) is gone, as after a killed test JVM
    Process orphan = new ProcessBuilder("sleep", "600").redirectErrorStream(true)
        .redirectOutput(dir.resolve("orphan.log").toFile()).start();
    try {
      assertTrue(orphan.isAlive());
      Process marked = markedSleep(99_999_999L); // above any pid_max
      ProcessTree.killOrphans();
      await().atMost(Duration.ofSeconds(10)).until(() -> !marked.isAlive());
      assertTrue(orphan.isAlive(), "an unmarked process is left alone");
    } finally {
      orphan.destroyForcibly();
    }
  }

  private Process markedSleep(long owner) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sleep", "600");
    builder.environment().put(ProcessTree.MARK, owner + "/a-test");
    return builder.start();
  }

  private Path script(String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
