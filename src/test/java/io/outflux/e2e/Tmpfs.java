package io.outflux.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A small tmpfs the test mounts (as root: CI runs as root), for full-disk and read-only faults. */
final class Tmpfs implements AutoCloseable {

  final Path at;

  private Tmpfs(Path at) {
    this.at = at;
  }

  /** Mounts a tmpfs of {@code bytes} at {@code at}; fails clearly where mounting is not allowed. */
  static Tmpfs mount(Path at, long bytes) throws Exception {
    run("mount -t tmpfs at " + at, "mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", at.toString());
    return new Tmpfs(at);
  }

  void readOnly(boolean ro) throws Exception {
    run("remount " + at + (ro ? " read-only" : " read-write"), "mount", "-o", "remount," + (ro ? "ro" : "rw"),
        at.toString());
  }

  @Override
  public void close() throws Exception {
    run("umount " + at, "umount", "-l", at.toString());
  }

  private static void run(String what, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("this test mounts a tmpfs and must run as root (CI does): " + what + " failed: "
          + out.trim());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
