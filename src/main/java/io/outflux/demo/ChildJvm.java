package io.outflux.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An outflux role running as its own JVM from the jar, as a user would start it (demo and crash tests). */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ChildJvm start(String name, Path jar, Path log, String... launcherArgs) throws IOException {
    return start(name, jar, log, List.of("-Xmx256m"), launcherArgs);
  }

  /** @param jvmOptions options before {@code -jar}, e.g. the heap size */
  public static ChildJvm start(String name, Path jar, Path log, List<String> jvmOptions, String... launcherArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(launcherArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildJvm(name, p, log);
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** Waits until {@code url} answers 200, failing early if the process exits. */
  public void awaitHttp(String url, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not answer " + url + " within " + timeout + "; see " + log);
  }

  /** Waits until the process's log contains {@code text}, failing early if the process exits. */
  public void awaitLog(String text, Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; see " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not log \"" + text + "\" within " + timeout + "; see " + log);
  }

  public void awaitAlive(Duration settle) throws InterruptedException {
    if (process.waitFor(settle.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; see " + log);
    }
  }

  /** Waits for the process to end by itself; its exit status. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs after " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, no shutdown hooks, no flushing: a crash. Waits until the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
